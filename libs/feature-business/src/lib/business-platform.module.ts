import { Module } from '@nestjs/common';
import { ApplicantModule } from './applicant/applicant.module.js';
import { BackOfficeModule } from './back-office/back-office.module.js';
import { BundlesModule } from './bundles/bundles.module.js';
import { CasesModule } from './cases/cases.module.js';
import { DemoBusinessCatalogueSeed } from './demo/demo-catalogue.seed.js';
import { MattersModule } from './matters/matters.module.js';
import { OutcomesModule } from './outcomes/outcomes.module.js';
import { PoliciesModule } from './policies/policies.module.js';

/**
 * 业务中台: the matter catalogue (事项), bundles (一件事) compiled into plans, and cases (办件)
 * dispatched to departments in dependency order, worked by department staff in the back office
 * (docs/business-platform.md), and the applicant's own cases through dispatch (我的办件).
 */
@Module({
  imports: [MattersModule, BundlesModule, CasesModule, BackOfficeModule, ApplicantModule, OutcomesModule, PoliciesModule],
  providers: [DemoBusinessCatalogueSeed],
})
export class BusinessPlatformModule {}
