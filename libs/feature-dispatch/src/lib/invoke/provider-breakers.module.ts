import { Module } from '@nestjs/common';
import { ProviderBreakersService } from './provider-breakers.service.js';

/** The circuit breakers per provider and calling app (the invoker calls through them; metrics read their states). */
@Module({ providers: [ProviderBreakersService], exports: [ProviderBreakersService] })
export class ProviderBreakersModule {}
