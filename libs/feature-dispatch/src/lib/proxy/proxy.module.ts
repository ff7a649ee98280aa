import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryModule } from '../registry/registry.module.js';
import { DispatchSharedModule } from '../shared/dispatch-shared.module.js';
import { Upstream } from './upstream.entity.js';
import { UpstreamTokensService } from './upstream-tokens.service.js';
import { UpstreamsAdminController } from './upstreams-admin.controller.js';
import { UpstreamsService } from './upstreams.service.js';
import { CallUpstream } from './usecases/call-upstream/call-upstream.usecase.js';
import { RegisterUpstream } from './usecases/register-upstream/register-upstream.usecase.js';

/** The interface proxy (接口代理): department HTTP APIs registered as capabilities and called through dispatch. */
@Module({
  imports: [TypeOrmModule.forFeature([Upstream]), RegistryModule, DispatchSharedModule],
  controllers: [UpstreamsAdminController],
  providers: [UpstreamsService, UpstreamTokensService, RegisterUpstream, CallUpstream],
  exports: [UpstreamsService, CallUpstream],
})
export class ProxyModule {}
