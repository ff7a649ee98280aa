import type { INestApplication } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject, ParameterObject, ReferenceObject, SecurityRequirementObject, SecuritySchemeObject } from '@nestjs/swagger';
import { InternalApiGuard } from './internal-api.guard.js';

/** The security schemes the platform's HTTP APIs use, by the names the document refers to. */
export const SECURITY_SCHEMES: Record<'internalToken' | 'app' | 'bearer', SecuritySchemeObject> = {
  internalToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Internal-Token',
    description:
      '内部接口共享令牌 (shared token of the internal APIs, INTERNAL_API_TOKEN: every /internal/** route and the routes behind the internal-API guard)',
  },
  app: {
    type: 'http',
    scheme: 'basic',
    description:
      '业务应用凭证 AppKey:AppSecret (credentials of a business-line app). Apps registered for signed requests sign instead (HMAC schemes: docs/dispatch.md).',
  },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'OAuth 2.0 访问令牌，由平台 OpenID 提供方签发 (access token from the platform OpenID provider, tech-capabilities /oidc)',
  },
};

type Guard = abstract new (...args: never[]) => unknown;
type Requirement = SecurityRequirementObject;

/**
 * What a guard asks of a caller, as alternatives (any one will do): the internal-API guard
 * by its class, the guards of feature libraries (which the kit cannot import) by class name,
 * including classes that extend them. A guard it does not know adds nothing.
 */
export function requirementsOfGuard(guard: Guard | object): Requirement[] | null {
  const names: string[] = [];
  for (
    let c: unknown = typeof guard === 'function' ? guard : guard.constructor;
    typeof c === 'function' && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    if (c === InternalApiGuard) return [{ internalToken: [] }];
    names.push((c as { name: string }).name);
  }
  // OptionalAppCredentialsGuard: an app's credentials when given, anonymous otherwise.
  const optional = /^Optional/.test(names[0] ?? '');
  if (names.includes('AppCredentialsGuard')) return [{ app: [] }, { bearer: [] }, ...(optional ? [{}] : [])];
  if (names.includes('AccessTokenGuard')) return [{ bearer: [] }, ...(optional ? [{}] : [])];
  return null;
}

/** The guards of every route of the application (class-level then method-level), by the operationId the document gives it. */
export function guardsByOperationId(app: INestApplication): Map<string, (Guard | object)[]> {
  const scanner = new MetadataScanner();
  const out = new Map<string, (Guard | object)[]>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (typeof controller !== 'function') continue;
      const onClass = (Reflect.getMetadata(GUARDS_METADATA, controller) as (Guard | object)[] | undefined) ?? [];
      for (const method of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[method];
        const onMethod =
          (typeof handler === 'function' ? (Reflect.getMetadata(GUARDS_METADATA, handler) as (Guard | object)[] | undefined) : undefined) ??
          [];
        // @nestjs/swagger's default operationId: <controller class>_<method>.
        out.set(`${controller.name}_${method}`, [...onClass, ...onMethod]);
      }
    }
  }
  return out;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Adds the security schemes to an OpenAPI document and a `security` requirement to each
 * operation, worked out from the guards on its route (several guards: all of them) and from
 * its path — every `/internal/**` operation needs the internal token. The `X-Internal-Token`
 * header parameters the controllers declare are dropped where the scheme stands for them, and
 * only the schemes some operation uses are kept.
 */
export function withSecurity(document: OpenAPIObject, guards: Map<string, (Guard | object)[]>): OpenAPIObject {
  const used = new Set<string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      let alternatives: Requirement[] | null = null;
      for (const guard of operation.operationId ? (guards.get(operation.operationId) ?? []) : []) {
        const own = requirementsOfGuard(guard);
        if (own) alternatives = alternatives ? allOf(alternatives, own) : own;
      }
      if (/^\/internal(\/|$)/.test(path) && !alternatives?.every((r) => 'internalToken' in r)) {
        alternatives = allOf(alternatives ?? [{}], [{ internalToken: [] }]);
      }
      if (alternatives) operation.security = alternatives;
      if (operation.security?.some((r) => 'internalToken' in r)) {
        operation.parameters = operation.parameters?.filter((p) => !isHeader(p, 'x-internal-token'));
      }
      for (const requirement of operation.security ?? []) for (const name of Object.keys(requirement)) used.add(name);
    }
  }
  const schemes: Record<string, SecuritySchemeObject | ReferenceObject> = { ...(document.components?.securitySchemes ?? {}) };
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) if (used.has(name)) schemes[name] = scheme;
  for (const name of Object.keys(schemes)) if (!used.has(name)) delete schemes[name];
  document.components = { ...(document.components ?? {}), securitySchemes: schemes };
  return document;
}

/** Every combination of one alternative of each: the requirements of two guards that both apply. */
function allOf(a: Requirement[], b: Requirement[]): Requirement[] {
  const out: Requirement[] = [];
  const seen = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      const merged = { ...x, ...y };
      const key = Object.keys(merged).sort().join('+');
      if (!seen.has(key)) {
        seen.add(key);
        out.push(merged);
      }
    }
  }
  return out;
}

function isHeader(parameter: ParameterObject | ReferenceObject, name: string): boolean {
  return 'in' in parameter && parameter.in === 'header' && parameter.name.toLowerCase() === name;
}
