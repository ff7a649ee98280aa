import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { applyFreeAsks } from '../../../bundles/apply-free.js';
import { BizBundle } from '../../../bundles/bundles.entities.js';
import { type PolicyBody, POLICY_CODE, POLICY_TAG_PREFIX, policyScanPurpose, policyTagOf } from '../../policies.dto.js';
import { BizPolicy, BizPolicyVersion } from '../../policies.entities.js';
import { PolicyProblem } from '../../policies.problems.js';
import { PolicyRulesClient } from '../../policy-rules.client.js';
import { OfferPolicies } from '../offer-policies/offer-policies.usecase.js';
import { FollowUpOffers } from '../follow-up-offers/follow-up-offers.usecase.js';

export interface PublishedPolicy {
  policy: BizPolicy;
  /** False when the body equals the current version (nothing was published). */
  changed: boolean;
  /** Subjects offered the policy now (those who hold its tag already). */
  offered: number;
  /** Open offers withdrawn (the policy retired). */
  withdrawn: number;
  /** The rule's publication on the data platform: subjects who gained and lost the tag (their offers follow as events). */
  tag: { version: number | null; added: number; removed: number };
}

/**
 * Publishes a policy as a new version. Its own rule is published first on the data platform as
 * the tag `policy-<code>` (a rule that does not compile is refused there, 422, and nothing is
 * kept); subjects who gain or lose that tag arrive as events and are offered or withdrawn. The
 * policy row, its version and the offers to members already heard are one transaction, under the
 * policy's lock (two publications at once: the one whose rule the tag no longer holds is refused,
 * 409) and the tag's lock that tag events take too — so no subject is missed whichever comes
 * first. Should the transaction fail after the rule was published, the tag runs without a policy
 * (nobody is offered anything) until the publication is repeated.
 */
@Injectable()
export class PublishPolicy {
  private readonly log = new Logger('Policies');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: PolicyRulesClient,
    private readonly offers: OfferPolicies,
    private readonly followUp: FollowUpOffers,
  ) {}

  async execute(code: string, body: PolicyBody, by: string): Promise<PublishedPolicy> {
    if (!POLICY_CODE.test(code)) throw PolicyProblem.POLICY_CODE_INVALID(code);
    if ((body.rule === undefined) === (body.tagCode === undefined)) throw PolicyProblem.RULE_OR_TAG();
    if (body.tagCode?.startsWith(POLICY_TAG_PREFIX)) throw PolicyProblem.TAG_RESERVED(body.tagCode);
    const ownRule = body.rule !== undefined;
    const tagCode = ownRule ? policyTagOf(code) : body.tagCode!;
    const sourceFixed = (current: BizPolicy | null) =>
      current !== null && ((current.rule !== null) !== ownRule || current.tagCode !== tagCode)
        ? PolicyProblem.ELIGIBILITY_SOURCE_FIXED(current.rule !== null ? policyTagOf(code) : current.tagCode)
        : null;
    const refused = sourceFixed(await this.dataSource.getRepository(BizPolicy).findOneBy({ code }));
    if (refused) throw refused;
    if (body.bundleCode && !(await this.dataSource.getRepository(BizBundle).existsBy({ code: body.bundleCode, status: 'active' })))
      throw PolicyProblem.BUNDLE_NOT_FOUND(body.bundleCode);
    if (body.applyFree) await this.assertApplyFree(body.bundleCode);
    const status = body.status ?? 'active';

    // The own rule runs where the profiles are. A retired policy's tag matches nobody (`false` reads no one's data):
    // its members lose it, and nobody's data is evaluated for it any more.
    let tag: PublishedPolicy['tag'] = { version: null, added: 0, removed: 0 };
    if (ownRule) {
      const t = await this.rules.publish(by, {
        tagCode,
        name: `政策 ${code} 资格 (policy eligibility)`,
        rule: status === 'active' ? body.rule! : 'false',
        purpose: policyScanPurpose(code, body.name),
      });
      tag = { version: t.version, added: t.added, removed: t.removed };
    }
    const result = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`biz_policy:${code}`]);
      await this.offers.lockTag(m, tagCode);
      const repo = m.getRepository(BizPolicy);
      const current = await repo.findOne({ where: { code }, lock: { mode: 'pessimistic_write' } });
      const changedSource = sourceFixed(current);
      if (changedSource) throw changedSource;
      // Two publications at once: the tag holds the later rule; the one whose rule the tag no longer holds is refused.
      if (current?.tagVersion != null && tag.version !== null && tag.version < current.tagVersion)
        throw PolicyProblem.POLICY_CHANGED_MEANWHILE(`tag ${tagCode} v${current.tagVersion}`);
      const next: Omit<BizPolicy, 'version' | 'updatedBy' | 'updatedAt'> = {
        code,
        name: body.name,
        benefit: body.benefit,
        eligibility: body.eligibility,
        tagCode,
        rule: body.rule ?? null,
        tagVersion: tag.version,
        bundleCode: body.bundleCode ?? null,
        status,
        applyFree: body.applyFree ?? false,
      };
      if (current && (Object.keys(next) as (keyof typeof next)[]).every((k) => current[k] === next[k]))
        return { policy: current, changed: false, offered: 0, withdrawn: 0 };
      const now = new Date();
      const policy: BizPolicy = { ...next, version: (current?.version ?? 0) + 1, updatedBy: by, updatedAt: now };
      await repo.save(policy);
      await m.getRepository(BizPolicyVersion).insert({ ...next, version: policy.version, publishedBy: by, publishedAt: now });
      const offered = status === 'active' ? await this.offers.offerToMembers(m, policy) : 0;
      const withdrawn = status === 'retired' ? await this.offers.withdrawAll(m, code, now) : 0;
      return { policy, changed: true, offered, withdrawn };
    });
    if (result.changed && result.offered > 0) this.followUp.wake();
    if (result.changed)
      this.log.log(
        `政策 ${code} 第 ${result.policy.version} 版 (${status}) by ${by}: offered ${result.offered}, withdrawn ${result.withdrawn}`,
      );
    return { ...result, tag };
  }

  /** 免申即享: a bundle that asks nothing of a person known only by their key (applyFreeAsks). */
  private async assertApplyFree(bundleCode: string | undefined): Promise<void> {
    if (!bundleCode) throw PolicyProblem.BUNDLE_NOT_APPLY_FREE('须指定一件事 (bundleCode is required)');
    const bundle = await this.dataSource
      .getRepository(BizBundle)
      .findOne({ where: { code: bundleCode, status: 'active' }, order: { version: 'DESC' } });
    if (!bundle) throw PolicyProblem.BUNDLE_NOT_FOUND(bundleCode);
    const asks = applyFreeAsks(bundle.plan);
    if (asks.length > 0) throw PolicyProblem.BUNDLE_NOT_APPLY_FREE(asks.slice(0, 10).join('；'));
  }
}
