import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityProviderModule } from '@gmp/tech-identity';
import { SealModule } from '@gmp/tech-seal';
import { DemoLicenceSeed } from './demo-licences.seed.js';
import { LICENCE_ENTITIES } from './licence.schema.js';
import { LicenceEventsService } from './licence-events.service.js';
import { LicenceExpiryJob } from './licence-expiry.job.js';
import { LicenceHolderService } from './licence-holder.service.js';
import { LicenceHttpController } from './licence-http.controller.js';
import { LicenceLifecycleHandler } from './licence-lifecycle.handler.js';
import { LicenceLifecycleService } from './licence-lifecycle.service.js';
import { LicenceLookupService } from './licence-lookup.service.js';
import { LicenceQueryService } from './licence-query.service.js';
import { LicenceSigningService } from './licence-signing.service.js';
import { LicenceHandler } from './licence.handler.js';
import { AuthoriseLicenceUse } from './usecases/authorise-licence-use/authorise-licence-use.usecase.js';
import { ChangeLicence } from './usecases/change-licence/change-licence.usecase.js';
import { ExpireDueLicences } from './usecases/expire-due-licences/expire-due-licences.usecase.js';
import { GetLicence } from './usecases/get-licence/get-licence.usecase.js';
import { GetLicencePdf } from './usecases/get-licence-pdf/get-licence-pdf.usecase.js';
import { IssueLicence } from './usecases/issue-licence/issue-licence.usecase.js';
import { VerifyLicence } from './usecases/verify-licence/verify-licence.usecase.js';
import { WithdrawLicenceUse } from './usecases/withdraw-licence-use/withdraw-licence-use.usecase.js';

/**
 * 电子证照 (e-licence): types, issue, lookup, verify, lifecycle, use authorisations. It asks the
 * identity module who a signed-in person is and whom they act for, and the seal module to sign.
 */
@Module({
  imports: [TypeOrmModule.forFeature(LICENCE_ENTITIES), IdentityProviderModule, SealModule],
  controllers: [LicenceHandler, LicenceHttpController, LicenceLifecycleHandler],
  providers: [
    LicenceQueryService,
    LicenceLookupService,
    LicenceSigningService,
    LicenceEventsService,
    LicenceHolderService,
    IssueLicence,
    GetLicence,
    GetLicencePdf,
    VerifyLicence,
    ChangeLicence,
    AuthoriseLicenceUse,
    WithdrawLicenceUse,
    ExpireDueLicences,
    LicenceLifecycleService,
    LicenceExpiryJob,
    DemoLicenceSeed,
  ],
  exports: [LicenceLifecycleService],
})
export class LicenceModule {}
