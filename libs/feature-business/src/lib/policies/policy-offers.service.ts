import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import type { PolicyOffer } from '@gmp/contracts';
import { BizPolicy, BizPolicyOffer } from './policies.entities.js';
import { PolicyProblem } from './policies.problems.js';

/** The offers a person (by subject key) has — and their objection to one, kept for good. */
@Injectable()
export class PolicyOffersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(subjectKey: string, limit = 100): Promise<PolicyOffer[]> {
    const offers = await this.dataSource
      .getRepository(BizPolicyOffer)
      .find({ where: { subjectKey }, order: { offeredAt: 'DESC' }, take: limit });
    if (offers.length === 0) return [];
    const policies = new Map(
      (await this.dataSource.getRepository(BizPolicy).findBy({ code: In(offers.map((o) => o.policyCode)) })).map((p) => [p.code, p]),
    );
    return offers.map((o) => this.view(o, policies.get(o.policyCode)));
  }

  async object(subjectKey: string, policyCode: string, reason: string): Promise<PolicyOffer> {
    const repo = this.dataSource.getRepository(BizPolicyOffer);
    const offer = await repo.findOneBy({ subjectKey, policyCode });
    if (!offer) throw PolicyProblem.OFFER_NOT_FOUND(policyCode);
    if (offer.status !== 'objected') await repo.update({ id: offer.id }, { status: 'objected', objection: reason, changedAt: new Date() });
    const policy = await this.dataSource.getRepository(BizPolicy).findOneBy({ code: policyCode });
    return this.view((await repo.findOneBy({ id: offer.id }))!, policy ?? undefined);
  }

  private view(o: BizPolicyOffer, p: BizPolicy | undefined): PolicyOffer {
    return {
      policyCode: o.policyCode,
      policyName: p?.name ?? o.policyCode,
      benefit: p?.benefit ?? '',
      status: o.status,
      offeredAt: o.offeredAt.toISOString(),
      tagCode: o.tagCode,
      tagVersion: o.tagVersion,
      bundleCode: p?.bundleCode ?? null,
    };
  }
}
