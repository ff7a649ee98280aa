import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenGuard, AccessTokenVerifier, PLATFORM_API_AUDIENCE, TokenRejected } from '@gmp/identity';
import { ServiceConfig } from '@gmp/service-kit';
import { BundlesModule } from '../bundles/bundles.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { MattersModule } from '../matters/matters.module.js';
import { PoliciesModule } from '../policies/policies.module.js';
import { RatingsModule } from '../ratings/ratings.module.js';
import { PoliciesController } from './policies.controller.js';
import { RectificationsController } from './rectifications.controller.js';
import { BackOfficeController } from './back-office.controller.js';
import { DepartmentDirectoryService } from './department-directory.service.js';
import { BizDepartment } from './department.entity.js';
import { DepartmentsController } from './departments.controller.js';
import { StaffPartsService } from './staff-parts.service.js';
import { ClaimPart } from './usecases/claim-part/claim-part.usecase.js';
import { DecideCommitment } from './usecases/decide-commitment/decide-commitment.usecase.js';
import { PartClock } from './usecases/part-clock/part-clock.usecase.js';
import { TakeAction } from './usecases/take-action/take-action.usecase.js';

/** Without OIDC_ISSUER the back office accepts no token (answers 401 saying why) rather than failing to start. */
class NoIssuerVerifier extends AccessTokenVerifier {
  constructor() {
    super({ issuer: 'http://unset/oidc', audience: PLATFORM_API_AUDIENCE, keys: () => Promise.reject(new Error('unset')) });
  }

  override verify(): Promise<never> {
    return Promise.reject(
      new TokenRejected('INVALID', '本服务未配置 OIDC_ISSUER，不接受访问令牌 (bearer tokens not accepted: OIDC_ISSUER unset)'),
    );
  }
}

/** 部门审批 (back office): department staff work their parts with their own tokens, within their data scope. */
@Module({
  imports: [TypeOrmModule.forFeature([BizDepartment]), MattersModule, BundlesModule, CasesModule, RatingsModule, PoliciesModule],
  controllers: [BackOfficeController, DepartmentsController, RectificationsController, PoliciesController],
  providers: [
    StaffPartsService,
    ClaimPart,
    TakeAction,
    DecideCommitment,
    PartClock,
    DepartmentDirectoryService,
    AccessTokenGuard,
    {
      provide: AccessTokenVerifier,
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) =>
        config.OIDC_ISSUER
          ? new AccessTokenVerifier({ issuer: config.OIDC_ISSUER, audience: PLATFORM_API_AUDIENCE })
          : new NoIssuerVerifier(),
    },
  ],
  exports: [DepartmentDirectoryService],
})
export class BackOfficeModule {}
