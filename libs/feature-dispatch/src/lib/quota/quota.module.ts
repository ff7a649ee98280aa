import { Module } from '@nestjs/common';
import { DispatchSharedModule } from '../shared/dispatch-shared.module.js';
import { RateLimitsService } from './rate-limits.service.js';

/** Rate limits and daily quotas per app and subscription (Redis across instances). */
@Module({ imports: [DispatchSharedModule], providers: [RateLimitsService], exports: [RateLimitsService] })
export class QuotaModule {}
