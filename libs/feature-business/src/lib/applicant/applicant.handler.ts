import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type MyCaseReply,
  type MyCaseRequest,
  type MyCasesReply,
  type MyCasesRequest,
  type MyPoliciesReply,
  type MyPoliciesRequest,
  type ObjectPolicyRequest,
  type PolicyOffer,
  type RateCaseReply,
  type RateCaseRequest,
  Topic,
  type WithdrawCaseRequest,
} from '@gmp/contracts';
import { CaseViewService } from '../cases/case-view.service.js';
import { ApplicantSubjectService } from './applicant-subject.service.js';
import { WithdrawCase } from './usecases/withdraw-case/withdraw-case.usecase.js';
import { RateCase } from '../ratings/usecases/rate-case/rate-case.usecase.js';
import { PolicyOffersService } from '../policies/policy-offers.service.js';

/** 我的办件 over Kafka (through dispatch, with the person's own token; messages arrive validated). */
@Controller()
export class ApplicantHandler {
  constructor(
    private readonly applicant: ApplicantSubjectService,
    private readonly views: CaseViewService,
    private readonly withdrawCase: WithdrawCase,
    private readonly rateCase: RateCase,
    private readonly policies: PolicyOffersService,
  ) {}

  @MessagePattern(Topic.BusinessMyCases)
  async mine(@Payload() r: MyCasesRequest): Promise<MyCasesReply> {
    return this.views.summariesOf(await this.applicant.keyOf(r.meta, r.input.company), r.input.limit ?? 20, r.input.offset ?? 0);
  }

  @MessagePattern(Topic.BusinessMyCase)
  async one(@Payload() r: MyCaseRequest): Promise<MyCaseReply> {
    return this.views.forApplicant(await this.applicant.caseOf(r.meta, r.input.caseNo, r.input.company));
  }

  @MessagePattern(Topic.BusinessWithdrawCase)
  async withdraw(@Payload() r: WithdrawCaseRequest): Promise<MyCaseReply> {
    return this.views.forApplicant(await this.withdrawCase.execute(r.meta, r.input.caseNo, r.input.reason, r.input.company));
  }

  @MessagePattern(Topic.BusinessRateCase)
  async rate(@Payload() r: RateCaseRequest): Promise<RateCaseReply> {
    return this.rateCase.execute(await this.applicant.caseOf(r.meta, r.input.caseNo, r.input.company), r.input);
  }

  @MessagePattern(Topic.BusinessMyPolicies)
  async myPolicies(@Payload() r: MyPoliciesRequest): Promise<MyPoliciesReply> {
    return { offers: await this.policies.of(await this.applicant.keyOf(r.meta, r.input.company, 'policy:manage'), r.input.limit ?? 100) };
  }

  @MessagePattern(Topic.BusinessObjectPolicy)
  async objectPolicy(@Payload() r: ObjectPolicyRequest): Promise<PolicyOffer> {
    return this.policies.object(await this.applicant.keyOf(r.meta, r.input.company, 'policy:manage'), r.input.policyCode, r.input.reason);
  }
}
