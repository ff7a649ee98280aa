import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ValidateFunction } from 'ajv';
import type { DataSource } from 'typeorm';
import { CompiledCache } from '../shared/compiled.cache.js';
import { Upstream } from './upstream.entity.js';

/** The registered upstreams by capability code, for the invoker, the composites and the proxy's own use cases. */
@Injectable()
export class UpstreamsService {
  /** The upstreams' schemas and JSONata mappings, compiled once by their text: shared by registration, lookup and calls. */
  readonly compiled = new CompiledCache();
  private readonly upstreams = new Map<string, { upstream: Upstream | null; validate?: ValidateFunction; until: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The upstream behind a capability code, or null (remembered 2 s per instance). */
  async find(code: string): Promise<{ upstream: Upstream; validate: ValidateFunction } | null> {
    let hit = this.upstreams.get(code);
    if (!hit || hit.until < Date.now()) {
      const upstream = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(code)
        ? await this.dataSource.getRepository(Upstream).findOneBy({ code })
        : null;
      hit = { upstream, ...(upstream ? { validate: this.compiled.validator(upstream.inputSchema) } : {}), until: Date.now() + 2_000 };
      this.upstreams.set(code, hit);
    }
    return hit.upstream ? { upstream: hit.upstream, validate: hit.validate! } : null;
  }

  /** Drops what this instance remembers of a code (re-registered: the next lookup reads the new row). */
  forget(code: string): void {
    this.upstreams.delete(code);
  }
}
