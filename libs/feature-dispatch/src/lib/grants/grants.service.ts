import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { type DataSource, In } from 'typeorm';
import { CAPABILITIES, findCapability } from '@gmp/contracts';
import { CommonProblem, ServiceConfig } from '@gmp/service-kit';
import type { Limits } from '../quota/rate-limits.service.js';
import { CapabilityRegistryService } from '../registry/capability-registry.service.js';
import { RegistryProblem } from '../registry/registry.problems.js';
import { CapabilityGrant, type GrantStatus } from './capability-grant.entity.js';
import { GrantsProblem } from './grants.problems.js';
import { demoBasesFor } from '../legal-bases/demo-legal-bases.seed.js';
import { LegalBasesService } from '../legal-bases/legal-bases.service.js';

/** What an approved grant allows: its limits and the legal bases the app may declare. */
export interface GrantTerms {
  limits: Limits;
  legalBases: string[];
}

/** How long a grant check is remembered by one instance (a revocation bites within this time everywhere). */
const CHECK_TTL_MS = 2_000;

/** Apps the demo data grants every capability (SEED_DEMO): the demo AppKey app and the demo OAuth clients. */
export const DEMO_GRANTED_APPS = ['demo-portal', 'oauth:demo-business-app', 'oauth:demo-portal-a', 'oauth:demo-portal-b'];

/**
 * Subscriptions (订阅) and grants: an app asks for a capability with a purpose, the capability's
 * owner approves or rejects, and only approved apps may call it. Every decision is recorded with
 * who made it and why.
 */
@Injectable()
export class GrantsService implements OnApplicationBootstrap {
  private readonly log = new Logger('Grants');
  private readonly checks = new Map<string, { terms: GrantTerms | null; until: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly legalBases: LegalBasesService,
    private readonly registry: CapabilityRegistryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    await this.grantDemoApps(CAPABILITIES.map((c) => c.code));
  }

  /** SEED_DEMO: the demo apps hold approved grants for these capabilities, with the demo legal bases that open them. */
  async grantDemoApps(codes: string[]): Promise<void> {
    const repo = this.dataSource.getRepository(CapabilityGrant);
    let n = 0;
    for (const code of codes) {
      const legalBases = demoBasesFor(code);
      for (const appKey of DEMO_GRANTED_APPS) {
        const res = await repo
          .createQueryBuilder()
          .insert()
          .values({
            id: randomUUID(),
            appKey,
            capabilityCode: code,
            status: 'approved',
            purpose: '演示数据 (demo data)',
            requestedBy: appKey,
            decidedBy: 'demo-seed',
            decisionReason: 'SEED_DEMO',
            decidedAt: new Date(),
            requestedLegalBases: legalBases,
            legalBases,
          })
          .orIgnore()
          .execute();
        n += (res.raw as unknown[]).length;
      }
      // Demo grants made before legal bases were registered get theirs.
      await repo
        .createQueryBuilder()
        .update()
        .set({ legalBases, requestedLegalBases: legalBases })
        .where('app_key IN (:...apps) AND capability_code = :code AND decided_by = :seed AND legal_bases <> :bases::varchar[]', {
          apps: DEMO_GRANTED_APPS,
          code,
          seed: 'demo-seed',
          bases: legalBases,
        })
        .execute();
    }
    if (n > 0) this.log.log(`演示授权已登记 (demo grants registered): ${n}`);
  }

  /** An app asks for a capability (and the legal bases it wants to declare with it); a second live request for the same one is 409. */
  async request(appKey: string, capabilityCode: string, purpose: string, legalBases: string[] = []): Promise<CapabilityGrant> {
    if (!findCapability(capabilityCode) && !(await this.registry.isListed(capabilityCode)))
      throw RegistryProblem.CAPABILITY_NOT_FOUND(capabilityCode);
    const requested = [...new Set(legalBases)];
    await this.legalBases.requireApplicable(requested, capabilityCode);
    const grant: CapabilityGrant = {
      id: randomUUID(),
      appKey,
      capabilityCode,
      status: 'pending',
      purpose,
      requestedBy: appKey,
      decidedBy: null,
      decisionReason: null,
      decidedAt: null,
      ratePerSecond: null,
      quotaPerDay: null,
      requestedLegalBases: requested,
      legalBases: [],
      requestedAt: new Date(),
    };
    try {
      await this.dataSource.getRepository(CapabilityGrant).insert(grant);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw GrantsProblem.SUBSCRIPTION_EXISTS(capabilityCode);
      throw err;
    }
    return grant;
  }

  /**
   * The owner's decision on a pending subscription, or the revocation of an approved one. An
   * approval grants the legal bases the app asked for, or those the owner names (`legalBases`,
   * possibly none); each must be registered, active and open the capability.
   */
  async decide(
    id: string,
    decision: 'approve' | 'reject' | 'revoke',
    by: string,
    reason: string | null,
    legalBases?: string[],
  ): Promise<CapabilityGrant> {
    const from: GrantStatus[] = decision === 'revoke' ? ['approved'] : ['pending'];
    const to: GrantStatus = decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : 'revoked';
    const repo = this.dataSource.getRepository(CapabilityGrant);
    let approvedBases: string[] | undefined;
    if (decision === 'approve') {
      const pending = await repo.findOneBy({ id });
      if (pending?.status === 'pending') {
        approvedBases = legalBases ? [...new Set(legalBases)] : pending.requestedLegalBases;
        await this.legalBases.requireApplicable(approvedBases, pending.capabilityCode);
      }
    } else if (legalBases !== undefined) {
      throw CommonProblem.INVALID_INPUT('legalBases: 仅批准时可指定 (only with decision approve)');
    }
    const res = await repo.update(
      { id, status: In(from) },
      { status: to, decidedBy: by, decisionReason: reason, decidedAt: new Date(), ...(approvedBases ? { legalBases: approvedBases } : {}) },
    );
    if (!res.affected) {
      const exists = await repo.findOneBy({ id });
      if (!exists) throw GrantsProblem.SUBSCRIPTION_NOT_FOUND(id);
      throw GrantsProblem.SUBSCRIPTION_STATE(
        `订阅状态为 ${exists.status}，不能${decision === 'revoke' ? '撤销' : '审批'} (the subscription is ${exists.status}): ${id}`,
      );
    }
    const grant = await repo.findOneByOrFail({ id });
    this.checks.delete(`${grant.appKey}\u0000${grant.capabilityCode}`);
    return grant;
  }

  list(filter: { appKey?: string; status?: GrantStatus; capabilityCode?: string }): Promise<CapabilityGrant[]> {
    const where = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    return this.dataSource.getRepository(CapabilityGrant).find({ where, order: { requestedAt: 'DESC' }, take: 500 });
  }

  /** The grant's terms (limits, legal bases); throws 403 GRANT_REQUIRED unless the app holds an approved subscription to the capability. */
  async require(appKey: string, capabilityCode: string): Promise<GrantTerms> {
    const key = `${appKey}\u0000${capabilityCode}`;
    let hit = this.checks.get(key);
    if (!hit || hit.until < Date.now()) {
      const grant = await this.dataSource.getRepository(CapabilityGrant).findOne({
        where: { appKey, capabilityCode, status: 'approved' },
        select: { id: true, ratePerSecond: true, quotaPerDay: true, legalBases: true },
      });
      hit = {
        terms: grant
          ? { limits: { ratePerSecond: grant.ratePerSecond, quotaPerDay: grant.quotaPerDay }, legalBases: grant.legalBases }
          : null,
        until: Date.now() + CHECK_TTL_MS,
      };
      if (this.checks.size > 50_000) this.checks.clear();
      this.checks.set(key, hit);
    }
    if (!hit.terms) {
      throw GrantsProblem.GRANT_REQUIRED(
        `先订阅并等待能力所有方批准：POST /v1/subscriptions {"capability":"${capabilityCode}","purpose":"…"} (subscribe and wait for the owner's approval)`,
      );
    }
    return hit.terms;
  }

  /** The owner changes which legal bases the app may declare with an approved subscription (none: the app reads only with the holder's consent). */
  /** The codes this app holds a pending or approved subscription to (what discovery shows it beyond the public ones). */
  async codesHeldBy(appKey: string | null): Promise<string[]> {
    if (appKey === null) return [];
    const rows = await this.dataSource
      .getRepository(CapabilityGrant)
      .createQueryBuilder('g')
      .select('DISTINCT g.capability_code', 'code')
      .where("g.app_key = :appKey AND g.status IN ('pending', 'approved')", { appKey })
      .getRawMany<{ code: string }>();
    return rows.map((r) => r.code);
  }

  async setLegalBases(id: string, legalBases: string[]): Promise<CapabilityGrant> {
    const repo = this.dataSource.getRepository(CapabilityGrant);
    const grant = await repo.findOneBy({ id, status: 'approved' });
    if (!grant) throw GrantsProblem.SUBSCRIPTION_NOT_FOUND(`没有已批准的该订阅 (no such approved subscription): ${id}`);
    const bases = [...new Set(legalBases)];
    await this.legalBases.requireApplicable(bases, grant.capabilityCode);
    await repo.update({ id, status: 'approved' }, { legalBases: bases });
    this.checks.delete(`${grant.appKey}\u0000${grant.capabilityCode}`);
    return repo.findOneByOrFail({ id });
  }

  /** Sets an approved or pending grant's own rate limit and daily quota (null: none at that level). */
  async setLimits(id: string, limits: Limits): Promise<CapabilityGrant> {
    const repo = this.dataSource.getRepository(CapabilityGrant);
    const res = await repo.update({ id, status: In(['pending', 'approved'] as GrantStatus[]) }, limits);
    if (!res.affected)
      throw GrantsProblem.SUBSCRIPTION_NOT_FOUND(`没有待审批或已批准的该订阅 (no such pending or approved subscription): ${id}`);
    const grant = await repo.findOneByOrFail({ id });
    this.checks.delete(`${grant.appKey}\u0000${grant.capabilityCode}`);
    return grant;
  }
}
