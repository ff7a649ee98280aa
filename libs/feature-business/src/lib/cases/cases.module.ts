import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BundlesModule } from '../bundles/bundles.module.js';
import { MattersModule } from '../matters/matters.module.js';
import { CaseProgressService } from './case-progress.service.js';
import { PrefillService } from './prefill.service.js';
import { AnswerSendBack } from './usecases/answer-send-back/answer-send-back.usecase.js';
import { CasesController } from './cases.controller.js';
import { BizCase, BizCaseCommitment, BizCaseEvent, BizCaseOutput, BizCasePart, BizCaseSupplement } from './cases.entities.js';
import { CasesHandler } from './cases.handler.js';
import { SimulatedDepartmentHandler } from './simulated-department.handler.js';
import { SweepStepLimits } from './usecases/sweep-step-limits/sweep-step-limits.usecase.js';
import { DeliverOutputs } from './usecases/deliver-outputs/deliver-outputs.usecase.js';
import { DecidePart } from './usecases/decide-part/decide-part.usecase.js';
import { SubmitApplication } from './usecases/submit-application/submit-application.usecase.js';
import { SupplyMaterial } from './usecases/supply-material/supply-material.usecase.js';
import { SweepPartDeadlines } from './usecases/sweep-part-deadlines/sweep-part-deadlines.usecase.js';
import { SweepSupplements } from './usecases/sweep-supplements/sweep-supplements.usecase.js';
import { VerifyCommitments } from './usecases/verify-commitments/verify-commitments.usecase.js';
import { CommitmentRevocation } from './commitment-revocation.service.js';
import { CaseViewService } from './case-view.service.js';
import { ApplicantNotifier } from './applicant-notifier.service.js';
import { OpenApplyFreeCase } from './usecases/open-apply-free-case/open-apply-free-case.usecase.js';
import { CaseMetrics } from './case-metrics.service.js';

/** 办件 (cases): one application, one case number, parts dispatched to departments in dependency order, one timeline. */
@Module({
  imports: [
    TypeOrmModule.forFeature([BizCase, BizCasePart, BizCaseSupplement, BizCaseEvent, BizCaseOutput, BizCaseCommitment]),
    BundlesModule,
    MattersModule,
  ],
  controllers: [CasesController, CasesHandler, SimulatedDepartmentHandler],
  providers: [
    PrefillService,
    AnswerSendBack,
    SubmitApplication,
    DecidePart,
    SupplyMaterial,
    SweepSupplements,
    SweepPartDeadlines,
    CaseProgressService,
    DeliverOutputs,
    SweepStepLimits,
    CommitmentRevocation,
    VerifyCommitments,
    CaseViewService,
    ApplicantNotifier,
    OpenApplyFreeCase,
    CaseMetrics,
  ],
  exports: [
    SubmitApplication,
    DecidePart,
    SweepSupplements,
    SweepPartDeadlines,
    CaseProgressService,
    DeliverOutputs,
    SweepStepLimits,
    CommitmentRevocation,
    VerifyCommitments,
    CaseViewService,
    ApplicantNotifier,
    OpenApplyFreeCase,
  ],
})
export class CasesModule {}
