import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { CallAuditController, UsageController } from './call-audit.controller.js';
import { CallAuditChain, CallAuditEntry } from './call-audit.entities.js';
import { CallAuditService } from './call-audit.service.js';

/** The call audit (调用审计): every call recorded in a hash chain; apps read their usage, operators the audit. */
@Module({
  imports: [TypeOrmModule.forFeature([CallAuditChain, CallAuditEntry]), AppsModule, MetricsModule],
  controllers: [UsageController, CallAuditController],
  providers: [CallAuditService],
  exports: [CallAuditService],
})
export class AuditModule {}
