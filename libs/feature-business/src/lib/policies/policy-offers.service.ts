import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import type { PolicyOffer } from '@gmp/contracts';
import { BizPolicyOffer, BizPolicyVersion } from './policies.entities.js';
import { PolicyProblem } from './policies.problems.js';

/** The offers a person (by subject key) has, each with why they matched — and their objection to one, kept for good. */
@Injectable()
export class PolicyOffersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(subjectKey: string, limit = 100): Promise<PolicyOffer[]> {
    const offers = await this.dataSource
      .getRepository(BizPolicyOffer)
      .find({ where: { subjectKey }, order: { offeredAt: 'DESC' }, take: limit });
    return this.views(offers);
  }

  async object(subjectKey: string, policyCode: string, reason: string): Promise<PolicyOffer> {
    const repo = this.dataSource.getRepository(BizPolicyOffer);
    const offer = await repo.findOneBy({ subjectKey, policyCode });
    if (!offer) throw PolicyProblem.OFFER_NOT_FOUND(policyCode);
    if (offer.status !== 'objected') await repo.update({ id: offer.id }, { status: 'objected', objection: reason, changedAt: new Date() });
    return (await this.views([(await repo.findOneBy({ id: offer.id }))!]))[0]!;
  }

  /** Each offer with the policy version it was made under (the words the person was shown then). */
  private async views(offers: BizPolicyOffer[]): Promise<PolicyOffer[]> {
    if (offers.length === 0) return [];
    const versions = new Map(
      (await this.dataSource.getRepository(BizPolicyVersion).findBy({ code: In([...new Set(offers.map((o) => o.policyCode))]) })).map(
        (v) => [`${v.code}:${v.version}`, v],
      ),
    );
    return offers.map((o) => view(o, versions.get(`${o.policyCode}:${o.policyVersion}`)));
  }
}

function view(o: BizPolicyOffer, p: BizPolicyVersion | undefined): PolicyOffer {
  const eligibility = p?.eligibility ?? '';
  const since = o.eligibleSince ? `自 ${o.eligibleSince.toISOString().slice(0, 10)} 起` : '';
  return {
    policyCode: o.policyCode,
    policyName: p?.name ?? o.policyCode,
    benefit: p?.benefit ?? '',
    status: o.status,
    offeredAt: o.offeredAt.toISOString(),
    policyVersion: o.policyVersion,
    why: `${since}符合「${eligibility || o.tagCode}」(标签 ${o.tagCode} 第 ${o.tagVersion} 版规则 / tag rule version ${o.tagVersion})`,
    eligibility,
    eligibleSince: o.eligibleSince?.toISOString() ?? null,
    tagCode: o.tagCode,
    tagVersion: o.tagVersion,
    rule: p?.rule ?? null,
    bundleCode: p?.bundleCode ?? null,
    applyFree: p?.applyFree ?? false,
    caseNo: o.caseNo,
  };
}
