import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { getMetadataStorage } from 'class-validator';
import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';

/**
 * Every request body of every service is checked before its handler runs: its declared type (as
 * the decorator metadata records it at run time) is a class with class-validator rules, which
 * ContractBodyPipe applies. A body class imported with `import type`, a TS interface, or
 * `unknown` all come out as `Object` here and would slip past the pipe — so `Object` is allowed
 * only for the routes whose body is checked by the handler against a schema known at run time.
 */
const CHECKED_BY_HANDLER = new Set([
  'InvokeController.invoke', // the capability's contract, named in the path
  'AsyncCallsController.submit', // the same, for an asynchronous call
  'CompositesAdminController.dryRun', // a composite definition (JSON or YAML), by the dry-run
  'CompositesAdminController.publish',
  'FileStoreController.upload', // raw bytes (Buffer), checked for type and malware
  'InternalFileStoreController.upload',
]);

function controllersOf(module: Type<unknown> | DynamicModule, seen = new Set<unknown>()): Type<unknown>[] {
  const type = 'module' in module ? module.module : module;
  if (seen.has(type)) return [];
  seen.add(type);
  const imports: (Type<unknown> | DynamicModule)[] = [
    ...(Reflect.getMetadata('imports', type) ?? []),
    ...('module' in module ? (module.imports ?? []) : []),
  ];
  return [
    ...(Reflect.getMetadata('controllers', type) ?? []),
    ...('module' in module ? (module.controllers ?? []) : []),
    ...imports.filter(Boolean).flatMap((m) => controllersOf(m as Type<unknown>, seen)),
  ];
}

const bodies = [techCapabilitiesService, serviceDispatchService, dataPlatformService, businessPlatformService].flatMap((service) =>
  controllersOf(service.feature).flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype).flatMap((method) => {
      // HTTP routes only: a Kafka handler's @Payload() shares the parameter slot, and the transport validates it against its contract.
      if (method === 'constructor' || !Reflect.hasMetadata(METHOD_METADATA, controller.prototype[method])) return [];
      const args: Record<string, { index: number; data?: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
      const types: unknown[] = Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? [];
      return Object.entries(args)
        .filter(([key]) => key.split(':')[0] === String(RouteParamtypes.BODY))
        .map(([, arg]) => ({
          route: `${controller.name}.${method}`,
          service: service.name,
          type: types[arg.index] as Type<unknown> | undefined,
          field: arg.data,
        }));
    }),
  ),
);

describe('typed request bodies', () => {
  it('finds the bodies of all four services (a broken walk would check nothing)', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(30);
    expect(new Set(bodies.map((b) => b.service))).toEqual(
      new Set(['tech-capabilities', 'service-dispatch', 'data-platform', 'business-platform']),
    );
  });

  it('declares every body as a class with validation rules, except the few checked by their handler', () => {
    const unchecked = bodies
      .filter((b) => !CHECKED_BY_HANDLER.has(b.route))
      .filter(
        (b) =>
          b.field !== undefined ||
          !b.type ||
          b.type === Object ||
          getMetadataStorage().getTargetValidationMetadatas(b.type, '', true, false).length === 0,
      )
      .map((b) => `${b.route}: ${b.field !== undefined ? `@Body('${String(b.field)}')` : (b.type?.name ?? 'no type')}`);
    expect(unchecked).toEqual([]);
  });

  it('keeps the handler-checked exceptions to the routes named, each still present', () => {
    expect(
      bodies
        .filter((b) => CHECKED_BY_HANDLER.has(b.route))
        .map((b) => b.route)
        .sort(),
    ).toEqual([...CHECKED_BY_HANDLER].sort());
  });
});
