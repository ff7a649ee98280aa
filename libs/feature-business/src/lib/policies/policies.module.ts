import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DemoPoliciesSeed } from './demo-policies.seed.js';
import { BizPolicy, BizPolicyOffer, BizPolicyVersion, BizTagMember } from './policies.entities.js';
import { PoliciesService } from './policies.service.js';
import { PolicyRulesClient } from './policy-rules.client.js';
import { PublishPolicy } from './usecases/publish-policy/publish-policy.usecase.js';
import { PoliciesHandler } from './policies.handler.js';
import { PolicyOffersService } from './policy-offers.service.js';
import { OfferPolicies } from './usecases/offer-policies/offer-policies.usecase.js';
import { FollowUpOffers } from './usecases/follow-up-offers/follow-up-offers.usecase.js';
import { CasesModule } from '../cases/cases.module.js';

/** 免申即享 / 政策直达: policies (versioned, their rules dry-run and published on the data platform), offered to subjects as they gain the tag. */
@Module({
  imports: [TypeOrmModule.forFeature([BizPolicy, BizPolicyVersion, BizPolicyOffer, BizTagMember]), CasesModule],
  controllers: [PoliciesHandler],
  providers: [OfferPolicies, FollowUpOffers, PolicyOffersService, PoliciesService, PolicyRulesClient, PublishPolicy, DemoPoliciesSeed],
  exports: [PolicyOffersService, PoliciesService, PublishPolicy],
})
export class PoliciesModule {}
