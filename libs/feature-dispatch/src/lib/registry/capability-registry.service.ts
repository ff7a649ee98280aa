import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, Not } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { CapabilitiesAnnouncedEvent } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import { type CapabilityStatus, CapabilityVersion, type Visibility } from './capability-version.entity.js';
import { RegistryProblem } from './registry.problems.js';

/** How long one instance remembers a version's status (an operator's change bites within this time). */
const STATUS_TTL_MS = 2_000;

/**
 * The capability registry: providers' announcements upserted (their contract, schemas, timeout,
 * example — never the operators' status or visibility); discovery; status checks for calls.
 */
@Injectable()
export class CapabilityRegistryService {
  private readonly statuses = new Map<string, { status: CapabilityStatus | null; until: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async announce(event: CapabilitiesAnnouncedEvent): Promise<void> {
    if (event.capabilities.length === 0) return;
    const t = quoteTablePath(this.dataSource.getMetadata(CapabilityVersion).tablePath);
    const rows = event.capabilities.map((c) => ({
      code: c.code,
      version: c.version,
      name: c.name,
      description: c.description,
      owner_department: c.ownerDepartment,
      provider: event.provider,
      topic: c.topic,
      timeout_ms: c.timeoutMs,
      idempotent: c.idempotent,
      input_schema: c.inputSchema,
      output_schema: c.outputSchema,
      example: c.example ?? null,
      announced_at: event.meta.sentAt,
    }));
    await this.dataSource.query(
      `INSERT INTO ${t} (code, version, name, description, owner_department, provider, topic, timeout_ms, idempotent, input_schema, output_schema, example, announced_at)
       SELECT code, version, name, description, owner_department, provider, topic, timeout_ms, idempotent, input_schema, output_schema, example, announced_at FROM jsonb_populate_recordset(NULL::${t}, $1::jsonb)
       ON CONFLICT (code, version) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, owner_department = EXCLUDED.owner_department, provider = EXCLUDED.provider, topic = EXCLUDED.topic,
         timeout_ms = EXCLUDED.timeout_ms, idempotent = EXCLUDED.idempotent, input_schema = EXCLUDED.input_schema, output_schema = EXCLUDED.output_schema, example = EXCLUDED.example, announced_at = EXCLUDED.announced_at
       WHERE ${t}.announced_at <= EXCLUDED.announced_at`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Lists a capability this service publishes itself (a composite, an interface proxy) within
   * `m`'s transaction, under the code's lock: one publication per code at a time, across
   * instances; a code another kind of capability holds is refused (409 CAPABILITY_CODE_TAKEN).
   * `store` writes the publisher's own rows first; `replace` re-lists an existing version.
   */
  async listOwn(m: EntityManager, entry: CapabilityVersion, o: { replace: boolean; store: () => Promise<unknown> }): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`capability-code:${entry.code}`]);
    if (await m.getRepository(CapabilityVersion).existsBy({ code: entry.code, topic: Not(entry.topic) }))
      throw RegistryProblem.CAPABILITY_CODE_TAKEN(entry.code);
    await o.store();
    // insert, not save, unless replacing: a concurrent publication of the same version fails on the key instead of overwriting.
    if (o.replace) await m.getRepository(CapabilityVersion).save(entry);
    else await m.getRepository(CapabilityVersion).insert(entry as QueryDeepPartialEntity<CapabilityVersion>);
    this.statuses.delete(`${entry.code}\u0000${entry.version}`);
  }

  /** Whether any version of `code` is listed (announced by a provider, or published here). */
  isListed(code: string): Promise<boolean> {
    return this.dataSource.getRepository(CapabilityVersion).existsBy({ code });
  }

  /** Versions listed for this app: public ones, and restricted ones it holds a subscription to (`held`, from the grants module); `q` searches code, name and description. */
  async list(held: string[], filter: { q?: string; owner?: string; status?: CapabilityStatus }): Promise<CapabilityVersion[]> {
    const qb = this.dataSource.getRepository(CapabilityVersion).createQueryBuilder('c').orderBy('c.code').addOrderBy('c.version', 'DESC');
    if (filter.q)
      qb.andWhere('(c.code ILIKE :q OR c.name ILIKE :q OR c.description ILIKE :q)', {
        q: `%${filter.q.replace(/[\\%_]/g, (x) => `\\${x}`)}%`,
      });
    if (filter.owner) qb.andWhere('c.owner_department ILIKE :owner', { owner: `%${filter.owner.replace(/[\\%_]/g, (x) => `\\${x}`)}%` });
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    qb.andWhere(`(c.visibility = 'public' OR c.code = ANY(:held))`, { held });
    return qb.limit(500).getMany();
  }

  /** Every version of one capability (visibility as in list); 404 when none is listed. */
  async versions(held: string[], code: string): Promise<CapabilityVersion[]> {
    const found = (await this.list(held, {})).filter((c) => c.code === code);
    if (found.length === 0) throw RegistryProblem.CAPABILITY_NOT_FOUND(code);
    return found;
  }

  /** The listed version of a composite (`version`, or any when omitted); null when none is listed. */
  async listedComposite(code: string, version?: string): Promise<CapabilityVersion | null> {
    return this.dataSource
      .getRepository(CapabilityVersion)
      .findOne({ where: version ? { code, version, topic: 'composite' } : { code, topic: 'composite' } });
  }

  async setStatus(
    code: string,
    version: string,
    change: { status?: CapabilityStatus; visibility?: Visibility; reason: string | null },
    by: string,
  ): Promise<CapabilityVersion> {
    const repo = this.dataSource.getRepository(CapabilityVersion);
    const res = await repo.update(
      { code, version },
      {
        ...(change.status ? { status: change.status } : {}),
        ...(change.visibility ? { visibility: change.visibility } : {}),
        statusReason: change.reason,
        statusBy: by,
      },
    );
    if (!res.affected) throw RegistryProblem.CAPABILITY_NOT_FOUND(`能力版本不存在 (no such capability version): ${code} v${version}`);
    this.statuses.delete(`${code}\u0000${version}`);
    return repo.findOneByOrFail({ code, version });
  }

  /**
   * The status a call must respect: retired → 410; deprecated → answered with a Deprecation
   * header. A version the registry has not heard of yet (its provider has not announced) counts
   * as active: the contract in @gmp/contracts is the authority for the wire.
   */
  async statusOf(code: string, version: string): Promise<CapabilityStatus | null> {
    const key = `${code}\u0000${version}`;
    let hit = this.statuses.get(key);
    if (!hit || hit.until < Date.now()) {
      const row = await this.dataSource.getRepository(CapabilityVersion).findOne({ where: { code, version }, select: { status: true } });
      hit = { status: row?.status ?? null, until: Date.now() + STATUS_TTL_MS };
      if (this.statuses.size > 10_000) this.statuses.clear();
      this.statuses.set(key, hit);
    }
    return hit.status;
  }
}
