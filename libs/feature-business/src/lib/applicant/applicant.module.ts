import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { RatingsModule } from '../ratings/ratings.module.js';
import { PoliciesModule } from '../policies/policies.module.js';
import { ApplicantHandler } from './applicant.handler.js';
import { ApplicantSubjectService } from './applicant-subject.service.js';
import { WithdrawCase } from './usecases/withdraw-case/withdraw-case.usecase.js';

/** 我的办件 (the applicant's side): the signed-in person's own cases through dispatch — list, read, withdraw, rate (好差评). */
@Module({
  imports: [CasesModule, RatingsModule, PoliciesModule],
  controllers: [ApplicantHandler],
  providers: [ApplicantSubjectService, WithdrawCase],
})
export class ApplicantModule {}
