import { Module } from '@nestjs/common';
import { DispatchRedis } from './redis.provider.js';

/** What every dispatch module may share: the Redis connection of the dispatch instances. */
@Module({ providers: [DispatchRedis], exports: [DispatchRedis] })
export class DispatchSharedModule {}
