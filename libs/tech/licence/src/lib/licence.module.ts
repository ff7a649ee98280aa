import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityProviderModule } from '@gmp/tech-identity';
import { SealModule } from '@gmp/tech-seal';
import { DemoLicenceSeed } from './demo-licences.seed.js';
import { LICENCE_ENTITIES } from './licence.schema.js';
import { LicenceExpiryJob } from './licence-expiry.job.js';
import { LicenceHttpController } from './licence-http.controller.js';
import { LicenceLifecycleHandler } from './licence-lifecycle.handler.js';
import { LicenceLifecycleService } from './licence-lifecycle.service.js';
import { LicenceQueryService } from './licence-query.service.js';
import { LicenceHandler } from './licence.handler.js';

/**
 * 电子证照 (e-licence): types, issue, lookup, verify, lifecycle, use authorisations. It asks the
 * identity module who a signed-in person is and whom they act for, and the seal module to sign.
 */
@Module({
  imports: [TypeOrmModule.forFeature(LICENCE_ENTITIES), IdentityProviderModule, SealModule],
  controllers: [LicenceHandler, LicenceHttpController, LicenceLifecycleHandler],
  providers: [LicenceQueryService, LicenceLifecycleService, LicenceExpiryJob, DemoLicenceSeed],
  exports: [LicenceLifecycleService],
})
export class LicenceModule {}
