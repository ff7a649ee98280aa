import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { LegalBasesAdminController, LegalBasesController } from './legal-bases.controller.js';
import { LegalBasesService } from './legal-bases.service.js';
import { LegalBasis } from './legal-basis.entity.js';

/** Legal bases (法定依据) that open capabilities reading personal data, and which apps were granted them. */
@Module({
  imports: [TypeOrmModule.forFeature([LegalBasis]), AppsModule, RegistryModule],
  controllers: [LegalBasesController, LegalBasesAdminController],
  providers: [LegalBasesService],
  exports: [LegalBasesService],
})
export class LegalBasesModule {}
