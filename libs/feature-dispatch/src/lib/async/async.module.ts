import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { InvokeModule } from '../invoke/invoke.module.js';
import { AsyncCall } from './async-call.entity.js';
import { AsyncCallsController } from './async-calls.controller.js';
import { AsyncCallsService } from './async-calls.service.js';

/** Asynchronous calls (异步调用): accepted at once, run by a worker, answered at GET /v1/calls/:id and by signed callbacks. */
@Module({
  imports: [TypeOrmModule.forFeature([AsyncCall]), AppsModule, AuditModule, InvokeModule],
  controllers: [AsyncCallsController],
  providers: [AsyncCallsService],
})
export class AsyncModule {}
