import type { ArgumentsHost } from '@nestjs/common';
import { firstValueFrom, type Observable } from 'rxjs';
import { isTransientError } from '@gmp/messaging';
import { ProblemDetailsFilter } from './problem-details.filter.js';

/** Under Kafka, the filter turns a handler's error into a typed one — and must not hide what kind of failure it was. */
describe('ProblemDetailsFilter under RPC', () => {
  const rpc = { getType: () => 'rpc' } as unknown as ArgumentsHost;
  const caught = async (exception: unknown) => {
    try {
      await firstValueFrom(new ProblemDetailsFilter().catch(exception, rpc) as Observable<never>);
    } catch (err) {
      return err as Record<string, unknown>;
    }
    throw new Error('the filter did not throw');
  };

  it.each([
    ['a deadlock', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    ['a serialization failure', Object.assign(new Error('could not serialize'), { code: '40001' })],
    ['a database that is down', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a TypeORM query failure wrapping a lost connection', Object.assign(new Error('query failed'), { driverError: { code: '57P01' } })],
  ])('keeps %s recognisable as transient (the batch is retried, not dead-lettered)', async (_what, exception) => {
    const error = await caught(exception);
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', status: 500 });
    expect(isTransientError(error)).toBe(true);
    // …without the internals in what a caller is sent.
    expect(JSON.stringify(error)).not.toMatch(/deadlock|serialize|ECONNREFUSED|57P01|query failed/);
  });

  it('leaves a handler bug non-transient (dead-lettered after its retries)', async () => {
    expect(isTransientError(await caught(new TypeError("Cannot read properties of undefined (reading 'x')")))).toBe(false);
  });
});
