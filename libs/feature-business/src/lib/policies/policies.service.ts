import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DryRunTagReply } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import { POLICY_CODE, policyScanPurpose, policyTagOf } from './policies.dto.js';
import { BizPolicy, BizPolicyOffer, BizPolicyVersion } from './policies.entities.js';
import { PolicyProblem } from './policies.problems.js';
import { PolicyRulesClient } from './policy-rules.client.js';

export interface PolicyView {
  code: string;
  version: number;
  name: string;
  benefit: string;
  eligibility: string;
  status: 'active' | 'retired';
  tagCode: string;
  rule: string | null;
  tagVersion: number | null;
  bundleCode: string | null;
  applyFree: boolean;
  updatedBy: string;
  updatedAt: string;
}

export function policyView(p: BizPolicy): PolicyView {
  return {
    code: p.code,
    version: p.version,
    name: p.name,
    benefit: p.benefit,
    eligibility: p.eligibility,
    status: p.status,
    tagCode: p.tagCode,
    rule: p.rule,
    tagVersion: p.tagVersion,
    bundleCode: p.bundleCode,
    applyFree: p.applyFree,
    updatedBy: p.updatedBy,
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** Policies as their owners read them: the current version with its offers by status, every version, a rule's dry run. */
@Injectable()
export class PoliciesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: PolicyRulesClient,
  ) {}

  async list(): Promise<(PolicyView & { offers: Record<string, number> })[]> {
    const policies = await this.dataSource.getRepository(BizPolicy).find({ order: { code: 'ASC' } });
    const counts = await this.offerCounts();
    return policies.map((p) => ({ ...policyView(p), offers: counts.get(p.code) ?? {} }));
  }

  async get(code: string) {
    const policy = await this.dataSource.getRepository(BizPolicy).findOneBy({ code: checked(code) });
    if (!policy) throw PolicyProblem.POLICY_NOT_FOUND(code);
    const versions = await this.dataSource.getRepository(BizPolicyVersion).find({ where: { code }, order: { version: 'DESC' } });
    return {
      ...policyView(policy),
      offers: (await this.offerCounts(code)).get(code) ?? {},
      versions: versions.map((v) => ({
        version: v.version,
        name: v.name,
        status: v.status,
        rule: v.rule,
        tagCode: v.tagCode,
        tagVersion: v.tagVersion,
        publishedBy: v.publishedBy,
        publishedAt: v.publishedAt.toISOString(),
      })),
    };
  }

  /**
   * What a rule would select, run over every subject on the data platform without changing
   * anything (each subject's profile read is a bulk record in their "who used my data").
   */
  async dryRun(code: string, rule: string, by: string): Promise<DryRunTagReply & { tagCode: string }> {
    const policy = await this.dataSource.getRepository(BizPolicy).findOneBy({ code: checked(code) });
    if (policy && policy.rule === null) throw PolicyProblem.ELIGIBILITY_SOURCE_FIXED(policy.tagCode);
    const tagCode = policyTagOf(code);
    const name = policy?.name ?? code;
    return { tagCode, ...(await this.rules.dryRun(by, { tagCode, name, rule, purpose: policyScanPurpose(code, name) })) };
  }

  private async offerCounts(code?: string): Promise<Map<string, Record<string, number>>> {
    const t = quoteTablePath(this.dataSource.getMetadata(BizPolicyOffer).tablePath);
    const rows = (await this.dataSource.query(
      `SELECT policy_code, status, count(*)::int AS n FROM ${t} ${code ? 'WHERE policy_code = $1' : ''} GROUP BY policy_code, status`,
      code ? [code] : [],
    )) as { policy_code: string; status: string; n: number }[];
    const out = new Map<string, Record<string, number>>();
    for (const r of rows) out.set(r.policy_code, { ...(out.get(r.policy_code) ?? {}), [r.status]: r.n });
    return out;
  }
}

function checked(code: string): string {
  if (!POLICY_CODE.test(code)) throw PolicyProblem.POLICY_CODE_INVALID(code);
  return code;
}
