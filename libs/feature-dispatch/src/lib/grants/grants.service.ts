import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { type DataSource, In } from 'typeorm';
import { CAPABILITIES, findCapability } from '@gmp/contracts';
import { ProblemException, SERVICE_CONFIG, type ServiceConfig } from '@gmp/service-kit';
import type { Limits } from '../quota/rate-limits.service.js';
import { CapabilityVersion } from '../registry/capability-version.entity.js';
import { CapabilityGrant, type GrantStatus } from './capability-grant.entity.js';

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
  private readonly checks = new Map<string, { limits: Limits | null; until: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    await this.grantDemoApps(CAPABILITIES.map((c) => c.code));
  }

  /** SEED_DEMO: the demo apps hold approved grants for these capabilities. */
  async grantDemoApps(codes: string[]): Promise<void> {
    const repo = this.dataSource.getRepository(CapabilityGrant);
    let n = 0;
    for (const appKey of DEMO_GRANTED_APPS) {
      for (const code of codes) {
        const res = await repo
          .createQueryBuilder()
          .insert()
          .values({ id: randomUUID(), appKey, capabilityCode: code, status: 'approved', purpose: '演示数据 (demo data)', requestedBy: appKey, decidedBy: 'demo-seed', decisionReason: 'SEED_DEMO', decidedAt: new Date() })
          .orIgnore()
          .execute();
        n += (res.raw as unknown[]).length;
      }
    }
    if (n > 0) this.log.log(`演示授权已登记 (demo grants registered): ${n}`);
  }

  /** An app asks for a capability; a second live request for the same one is 409. */
  async request(appKey: string, capabilityCode: string, purpose: string): Promise<CapabilityGrant> {
    if (!findCapability(capabilityCode) && !(await this.dataSource.getRepository(CapabilityVersion).existsBy({ code: capabilityCode }))) throw new ProblemException(404, 'CAPABILITY_NOT_FOUND', '能力不存在 (unknown capability)', capabilityCode);
    const grant: CapabilityGrant = { id: randomUUID(), appKey, capabilityCode, status: 'pending', purpose, requestedBy: appKey, decidedBy: null, decisionReason: null, decidedAt: null, ratePerSecond: null, quotaPerDay: null, requestedAt: new Date() };
    try {
      await this.dataSource.getRepository(CapabilityGrant).insert(grant);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ProblemException(409, 'SUBSCRIPTION_EXISTS', '已有待审批或已批准的订阅 (a pending or approved subscription exists)', capabilityCode);
      throw err;
    }
    return grant;
  }

  /** The owner's decision on a pending subscription, or the revocation of an approved one. */
  async decide(id: string, decision: 'approve' | 'reject' | 'revoke', by: string, reason: string | null): Promise<CapabilityGrant> {
    const from: GrantStatus[] = decision === 'revoke' ? ['approved'] : ['pending'];
    const to: GrantStatus = decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : 'revoked';
    const repo = this.dataSource.getRepository(CapabilityGrant);
    const res = await repo.update({ id, status: In(from) }, { status: to, decidedBy: by, decisionReason: reason, decidedAt: new Date() });
    if (!res.affected) {
      const exists = await repo.findOneBy({ id });
      if (!exists) throw new ProblemException(404, 'SUBSCRIPTION_NOT_FOUND', '订阅不存在 (no such subscription)', id);
      throw new ProblemException(409, 'SUBSCRIPTION_STATE', `订阅状态为 ${exists.status}，不能${decision === 'revoke' ? '撤销' : '审批'} (the subscription is ${exists.status})`, id);
    }
    const grant = await repo.findOneByOrFail({ id });
    this.checks.delete(`${grant.appKey}\u0000${grant.capabilityCode}`);
    return grant;
  }

  list(filter: { appKey?: string; status?: GrantStatus; capabilityCode?: string }): Promise<CapabilityGrant[]> {
    const where = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    return this.dataSource.getRepository(CapabilityGrant).find({ where, order: { requestedAt: 'DESC' }, take: 500 });
  }

  /** The grant's limits; throws 403 GRANT_REQUIRED unless the app holds an approved subscription to the capability. */
  async require(appKey: string, capabilityCode: string): Promise<Limits> {
    const key = `${appKey}\u0000${capabilityCode}`;
    let hit = this.checks.get(key);
    if (!hit || hit.until < Date.now()) {
      const grant = await this.dataSource.getRepository(CapabilityGrant).findOne({ where: { appKey, capabilityCode, status: 'approved' }, select: { id: true, ratePerSecond: true, quotaPerDay: true } });
      hit = { limits: grant ? { ratePerSecond: grant.ratePerSecond, quotaPerDay: grant.quotaPerDay } : null, until: Date.now() + CHECK_TTL_MS };
      if (this.checks.size > 50_000) this.checks.clear();
      this.checks.set(key, hit);
    }
    if (!hit.limits) {
      throw new ProblemException(403, 'GRANT_REQUIRED', '未获准调用该能力 (the app has no approved subscription to this capability)', `先订阅并等待能力所有方批准：POST /v1/subscriptions {"capability":"${capabilityCode}","purpose":"…"} (subscribe and wait for the owner's approval)`);
    }
    return hit.limits;
  }

  /** Sets an approved or pending grant's own rate limit and daily quota (null: none at that level). */
  async setLimits(id: string, limits: Limits): Promise<CapabilityGrant> {
    const repo = this.dataSource.getRepository(CapabilityGrant);
    const res = await repo.update({ id, status: In(['pending', 'approved'] as GrantStatus[]) }, limits);
    if (!res.affected) throw new ProblemException(404, 'SUBSCRIPTION_NOT_FOUND', '没有待审批或已批准的该订阅 (no such pending or approved subscription)', id);
    const grant = await repo.findOneByOrFail({ id });
    this.checks.delete(`${grant.appKey}\u0000${grant.capabilityCode}`);
    return grant;
  }
}
