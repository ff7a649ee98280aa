import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CapabilityAdminController } from './capability-registry.controller.js';
import { CapabilityRegistryHandler } from './capability-registry.handler.js';
import { CapabilityRegistryService } from './capability-registry.service.js';
import { CapabilityVersion } from './capability-version.entity.js';

/** The capability registry (能力目录): announced and listed capabilities, their versions and status. */
@Module({
  imports: [TypeOrmModule.forFeature([CapabilityVersion])],
  controllers: [CapabilityRegistryHandler, CapabilityAdminController],
  providers: [CapabilityRegistryService],
  exports: [CapabilityRegistryService],
})
export class RegistryModule {}
