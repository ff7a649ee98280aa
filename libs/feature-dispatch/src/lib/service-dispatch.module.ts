import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppCredentialsGuard } from './apps/app-credentials.guard.js';
import { AppCredentialsService } from './apps/app-credentials.service.js';
import { BusinessApp } from './apps/business-app.entity.js';
import { DemoAppSeed } from './apps/demo-app.seed.js';
import { CapabilityInvoker } from './invoke/capability-invoker.service.js';
import { InvokeController } from './invoke/invoke.controller.js';

/** 服务调度: the public door for business lines. */
@Module({
  imports: [TypeOrmModule.forFeature([BusinessApp])],
  controllers: [InvokeController],
  providers: [AppCredentialsService, AppCredentialsGuard, CapabilityInvoker, DemoAppSeed],
})
export class ServiceDispatchModule {}
