import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DispatchConfig } from '../dispatch.config.js';

/**
 * The Redis connection the dispatch instances share (REDIS_URL), or none: then replay checks,
 * rate limits and quotas are kept in this process (right for one instance, e.g. standalone).
 */
@Injectable()
export class DispatchRedis implements OnApplicationShutdown {
  private readonly log = new Logger('DispatchRedis');
  readonly client: Redis | null;

  constructor(config: DispatchConfig) {
    this.client = config.REDIS_URL
      ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
      : null;
    this.client?.on('error', (err: Error) => this.log.warn(`Redis 连接错误 (Redis error): ${err.message}`));
    if (!this.client)
      this.log.log(
        '未设置 REDIS_URL：防重放、限流与配额保存在本进程 (REDIS_URL unset: replay checks, rate limits and quotas are kept in this process)',
      );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => undefined);
  }
}
