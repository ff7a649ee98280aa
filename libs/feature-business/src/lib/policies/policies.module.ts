import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DemoPoliciesSeed } from './demo-policies.seed.js';
import { BizPolicy, BizPolicyOffer, BizTagMember } from './policies.entities.js';
import { PoliciesHandler } from './policies.handler.js';
import { PolicyOffersService } from './policy-offers.service.js';
import { OfferPolicies } from './usecases/offer-policies/offer-policies.usecase.js';

/** 免申即享 / 政策直达: policies on the data platform's tags, offered to subjects as they gain them. */
@Module({
  imports: [TypeOrmModule.forFeature([BizPolicy, BizPolicyOffer, BizTagMember])],
  controllers: [PoliciesHandler],
  providers: [OfferPolicies, PolicyOffersService, DemoPoliciesSeed],
  exports: [PolicyOffersService],
})
export class PoliciesModule {}
