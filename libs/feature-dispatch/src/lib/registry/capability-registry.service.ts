import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CapabilitiesAnnouncedEvent } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import { CapabilityGrant } from '../grants/capability-grant.entity.js';
import { type CapabilityStatus, CapabilityVersion, type Visibility } from './capability-version.entity.js';
import { RegistryProblem } from './registry.problems.js';

/** How long one instance remembers a version's status (an operator's change bites within this time). */
const STATUS_TTL_MS = 2_000;

/**
 * The capability registry: providers' announcements upserted (their contract, schemas, timeout,
 * example — never the operators' status or visibility); discovery; status checks for calls.
 */
@Injectable()
export class CapabilityRegistry {
  private readonly statuses = new Map<string, { status: CapabilityStatus | null; until: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async announce(event: CapabilitiesAnnouncedEvent): Promise<void> {
    if (event.capabilities.length === 0) return;
    const t = quoteTablePath(this.dataSource.getMetadata(CapabilityVersion).tablePath);
    const rows = event.capabilities.map((c) => ({ code: c.code, version: c.version, name: c.name, description: c.description, owner_department: c.ownerDepartment, provider: event.provider, topic: c.topic, timeout_ms: c.timeoutMs, idempotent: c.idempotent, input_schema: c.inputSchema, output_schema: c.outputSchema, example: c.example ?? null, announced_at: event.meta.sentAt }));
    await this.dataSource.query(
      `INSERT INTO ${t} (code, version, name, description, owner_department, provider, topic, timeout_ms, idempotent, input_schema, output_schema, example, announced_at)
       SELECT code, version, name, description, owner_department, provider, topic, timeout_ms, idempotent, input_schema, output_schema, example, announced_at FROM jsonb_populate_recordset(NULL::${t}, $1::jsonb)
       ON CONFLICT (code, version) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, owner_department = EXCLUDED.owner_department, provider = EXCLUDED.provider, topic = EXCLUDED.topic,
         timeout_ms = EXCLUDED.timeout_ms, idempotent = EXCLUDED.idempotent, input_schema = EXCLUDED.input_schema, output_schema = EXCLUDED.output_schema, example = EXCLUDED.example, announced_at = EXCLUDED.announced_at
       WHERE ${t}.announced_at <= EXCLUDED.announced_at`,
      [JSON.stringify(rows)],
    );
  }

  /** Versions listed for this app: public ones, and restricted ones it holds a subscription to; `q` searches code, name and description. */
  async list(appKey: string | null, filter: { q?: string; owner?: string; status?: CapabilityStatus }): Promise<CapabilityVersion[]> {
    const qb = this.dataSource.getRepository(CapabilityVersion).createQueryBuilder('c').orderBy('c.code').addOrderBy('c.version', 'DESC');
    if (filter.q) qb.andWhere("(c.code ILIKE :q OR c.name ILIKE :q OR c.description ILIKE :q)", { q: `%${filter.q.replace(/[\\%_]/g, (x) => `\\${x}`)}%` });
    if (filter.owner) qb.andWhere('c.owner_department ILIKE :owner', { owner: `%${filter.owner.replace(/[\\%_]/g, (x) => `\\${x}`)}%` });
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    qb.andWhere(
      `(c.visibility = 'public' OR EXISTS (SELECT 1 FROM ${quoteTablePath(this.dataSource.getMetadata(CapabilityGrant).tablePath)} g WHERE g.capability_code = c.code AND g.app_key = :app AND g.status IN ('pending', 'approved')))`,
      { app: appKey ?? '' },
    );
    return qb.limit(500).getMany();
  }

  /** Every version of one capability (visibility as in list); 404 when none is listed. */
  async versions(appKey: string | null, code: string): Promise<CapabilityVersion[]> {
    const found = (await this.list(appKey, {})).filter((c) => c.code === code);
    if (found.length === 0) throw RegistryProblem.CAPABILITY_NOT_FOUND(code);
    return found;
  }

  async setStatus(code: string, version: string, change: { status?: CapabilityStatus; visibility?: Visibility; reason: string | null }, by: string): Promise<CapabilityVersion> {
    const repo = this.dataSource.getRepository(CapabilityVersion);
    const res = await repo.update({ code, version }, { ...(change.status ? { status: change.status } : {}), ...(change.visibility ? { visibility: change.visibility } : {}), statusReason: change.reason, statusBy: by });
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
