import { Injectable } from '@nestjs/common';
import { findCapability, jsonSchemaOf } from '@gmp/contracts';
import { UpstreamsService } from '../proxy/upstreams.service.js';
import { CapabilityRegistryService } from '../registry/capability-registry.service.js';
import type { StepTarget } from './composite-plan.js';

/** What a composite's step may call, with its schemas and status: catalogue capabilities, proxied upstreams, composites (which the plan refuses). */
@Injectable()
export class StepTargetsService {
  private readonly schemas = new Map<string, { input: Record<string, unknown>; output: Record<string, unknown> }>();

  constructor(
    private readonly registry: CapabilityRegistryService,
    private readonly upstreams: UpstreamsService,
  ) {}

  /** The target behind a code (the given version or the current one), or null. */
  async resolve(code: string, version?: string): Promise<StepTarget | null> {
    const capability = findCapability(code, version);
    if (capability) {
      const key = `${capability.code}\u0000${capability.version}`;
      let schemas = this.schemas.get(key);
      if (!schemas)
        this.schemas.set(
          key,
          (schemas = { input: jsonSchemaOf(capability.input, { closed: true }), output: jsonSchemaOf(capability.output) }),
        );
      const status = (await this.registry.statusOf(capability.code, capability.version)) ?? 'active';
      return {
        code,
        version: capability.version,
        kind: 'capability',
        status,
        inputSchema: schemas.input,
        outputSchema: schemas.output,
        idempotent: capability.idempotent,
        timeoutMs: capability.timeoutMs,
      };
    }
    if (findCapability(code)) return null; // that version does not exist
    const proxied = version === undefined || version === '1' ? await this.upstreams.find(code) : null;
    if (proxied) {
      const status = (await this.registry.statusOf(code, '1')) ?? 'active';
      return {
        code,
        version: '1',
        kind: 'proxy',
        status,
        inputSchema: proxied.upstream.inputSchema,
        outputSchema: { type: 'object' },
        idempotent: proxied.upstream.method === 'GET',
        timeoutMs: proxied.upstream.timeoutMs,
      };
    }
    const row = await this.registry.listedComposite(code, version);
    return row
      ? {
          code,
          version: row.version,
          kind: 'composite',
          status: row.status,
          inputSchema: row.inputSchema,
          outputSchema: row.outputSchema,
          idempotent: row.idempotent,
          timeoutMs: row.timeoutMs,
        }
      : null;
  }
}
