import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { findCapability } from '@gmp/contracts';
import { ServiceConfig } from '@gmp/service-kit';
import { CapabilityRegistryService } from '../registry/capability-registry.service.js';
import { DEMO_LEGAL_BASES } from './demo-legal-bases.seed.js';
import { LegalBasis, type LegalBasisStatus } from './legal-basis.entity.js';
import { LegalBasesProblem } from './legal-bases.problems.js';

/** How long one instance remembers a basis (a retirement bites within this time everywhere). */
const CACHE_TTL_MS = 2_000;

export interface LegalBasisInput {
  code: string;
  law: string;
  article: string;
  summary: string;
  capabilities: string[];
  dataOpened: string;
}

/**
 * The register of legal bases (法定依据登记): operators register a law and article with the
 * capabilities it opens; owners approve, per subscription, which of them an app may declare;
 * dispatch refuses any other declared basis.
 */
@Injectable()
export class LegalBasesService implements OnApplicationBootstrap {
  private readonly log = new Logger('LegalBases');
  private readonly cache = new Map<string, { basis: LegalBasis | null; until: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly registry: CapabilityRegistryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    const res = await this.dataSource
      .getRepository(LegalBasis)
      .createQueryBuilder()
      .insert()
      .values(
        DEMO_LEGAL_BASES.map((b) => ({
          ...b,
          capabilities: [...b.capabilities],
          status: 'active' as const,
          registeredBy: 'demo-seed',
          retiredAt: null,
        })),
      )
      .orIgnore()
      .execute();
    if ((res.raw as unknown[]).length > 0)
      this.log.log(`演示法定依据已登记 (demo legal bases registered): ${(res.raw as unknown[]).length}`);
  }

  async register(input: LegalBasisInput, by: string): Promise<LegalBasis> {
    await this.requireKnownCapabilities(input.capabilities);
    const basis: LegalBasis = {
      ...input,
      capabilities: [...new Set(input.capabilities)],
      status: 'active',
      registeredBy: by,
      registeredAt: new Date(),
      retiredAt: null,
    };
    try {
      await this.dataSource.getRepository(LegalBasis).insert(basis);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw LegalBasesProblem.LEGAL_BASIS_EXISTS(input.code);
      throw err;
    }
    this.cache.delete(basis.code);
    return basis;
  }

  list(filter: { capability?: string; status?: LegalBasisStatus }): Promise<LegalBasis[]> {
    const q = this.dataSource.getRepository(LegalBasis).createQueryBuilder('b').orderBy('b.code').take(500);
    if (filter.status) q.andWhere('b.status = :status', { status: filter.status });
    if (filter.capability) q.andWhere(':capability = ANY(b.capabilities)', { capability: filter.capability });
    return q.getMany();
  }

  async get(code: string): Promise<LegalBasis> {
    const basis = await this.dataSource.getRepository(LegalBasis).findOneBy({ code });
    if (!basis) throw LegalBasesProblem.LEGAL_BASIS_NOT_FOUND(code);
    return basis;
  }

  /** Retired: no call may declare it any more (grants keep naming it, for the record). */
  async retire(code: string): Promise<LegalBasis> {
    const repo = this.dataSource.getRepository(LegalBasis);
    const res = await repo.update({ code, status: 'active' }, { status: 'retired', retiredAt: new Date() });
    this.cache.delete(code);
    if (!res.affected) {
      if (!(await repo.existsBy({ code }))) throw LegalBasesProblem.LEGAL_BASIS_NOT_FOUND(code);
      throw LegalBasesProblem.LEGAL_BASIS_RETIRED(code);
    }
    return repo.findOneByOrFail({ code });
  }

  /** The basis for a call (cached briefly), or null when it is not registered. */
  async resolve(code: string): Promise<LegalBasis | null> {
    const hit = this.cache.get(code);
    if (hit && hit.until > Date.now()) return hit.basis;
    const basis = await this.dataSource.getRepository(LegalBasis).findOneBy({ code });
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(code, { basis, until: Date.now() + CACHE_TTL_MS });
    return basis;
  }

  /** Every code must be a registered, active basis that opens `capabilityCode`; else 422 LEGAL_BASIS_NOT_APPLICABLE. */
  async requireApplicable(codes: string[], capabilityCode: string): Promise<void> {
    if (codes.length === 0) return;
    const found = await this.dataSource.getRepository(LegalBasis).findBy({ code: In(codes) });
    const problems = codes.flatMap((code) => {
      const b = found.find((f) => f.code === code);
      if (!b) return [{ field: 'legalBases', message: `${code}: 未登记的法定依据 (not a registered legal basis)` }];
      if (b.status !== 'active') return [{ field: 'legalBases', message: `${code}: 已停用 (retired)` }];
      if (!b.capabilities.includes(capabilityCode))
        return [{ field: 'legalBases', message: `${code}: 不适用于能力 ${capabilityCode} (does not open this capability)` }];
      return [];
    });
    if (problems.length > 0)
      throw LegalBasesProblem.LEGAL_BASIS_NOT_APPLICABLE(
        `可用的法定依据见 GET /v1/legal-bases?capability=${capabilityCode} (see the registered bases)`,
        problems,
      );
  }

  private async requireKnownCapabilities(codes: string[]): Promise<void> {
    const unknown: string[] = [];
    for (const code of new Set(codes)) if (!findCapability(code) && !(await this.registry.isListed(code))) unknown.push(code);
    // 422, not the registry's 404: a field of the body names capabilities that do not exist (clients and tests rely on the 422).
    if (unknown.length > 0)
      throw LegalBasesProblem.CAPABILITY_NOT_FOUND(
        unknown.join(', '),
        unknown.map((c) => ({ field: 'capabilities', message: `${c}: 未登记的能力 (unknown capability)` })),
      );
  }
}
