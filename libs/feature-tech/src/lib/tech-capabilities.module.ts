import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DemoLicenceSeed } from './licence/demo-licences.seed.js';
import { LicenceAccessLog } from './licence/licence-access-log.entity.js';
import { LicenceQueryService } from './licence/licence-query.service.js';
import { LicenceType } from './licence/licence-type.entity.js';
import { Licence } from './licence/licence.entity.js';
import { LicenceHandler } from './licence/licence.handler.js';
import { LicenceHttpController } from './licence/licence-http.controller.js';

/** 技术中台: the capabilities served by tech-capabilities (e-licence for now). */
@Module({
  imports: [TypeOrmModule.forFeature([LicenceType, Licence, LicenceAccessLog])],
  controllers: [LicenceHandler, LicenceHttpController],
  providers: [LicenceQueryService, DemoLicenceSeed],
})
export class TechCapabilitiesModule {}
