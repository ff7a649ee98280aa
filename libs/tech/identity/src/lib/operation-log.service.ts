import { HttpException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '@gmp/identity';
import { OperationLog } from './operation-log.entity.js';

/** Writes the operation log (操作日志): the outcome of every administrative action, refused ones included. */
@Injectable()
export class OperationLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `action` and logs who did what to what, and how it ended; the error (if any) is rethrown. */
  async record<T>(
    who: Principal,
    remoteAddress: string | undefined,
    action: string,
    target: string | null,
    run: () => Promise<T>,
  ): Promise<T> {
    const log = (outcome: OperationLog['outcome'], detail: string | null) =>
      this.dataSource.getRepository(OperationLog).insert({
        id: randomUUID(),
        operator: who.subject.slice(0, 64),
        action,
        target: target?.slice(0, 128) ?? null,
        outcome,
        detail: detail?.slice(0, 512) ?? null,
        remoteAddress: remoteAddress?.slice(0, 64) ?? null,
      });
    try {
      const result = await run();
      await log('SUCCEEDED', null);
      return result;
    } catch (err) {
      if (err instanceof HttpException && err.getStatus() < 500) {
        const body = err.getResponse() as { code?: string; detail?: string };
        await log('REFUSED', [body.code, body.detail].filter(Boolean).join(': ') || err.message);
      } else {
        await log('FAILED', err instanceof Error ? err.name : 'error');
      }
      throw err;
    }
  }

  list(limit: number, before?: Date): Promise<OperationLog[]> {
    const q = this.dataSource.getRepository(OperationLog).createQueryBuilder('o').orderBy('o.at', 'DESC').limit(limit);
    if (before) q.where('o.at < :before', { before });
    return q.getMany();
  }
}
