import { jest } from '@jest/globals';
import type { CapabilityClient } from './capability.client.js';
import type { MessagingOptions } from './messaging.options.js';
import { WorkingDaysClient } from './working-days.client.js';

/**
 * The answer cache of WorkingDaysClient (a unit test of its own logic: the calendar is a stand-in
 * counting questions; the real round trip over Kafka is covered by the business-platform
 * integration tests).
 */
describe('WorkingDaysClient: calendar answers reused for a minute', () => {
  let asked: { from: string; workingDays: number }[];
  let answer: () => Promise<unknown>;
  const client = () =>
    new WorkingDaysClient(
      {
        request: (_topic: string, _key: null, request: { input: { from: string; workingDays: number } }) => {
          asked.push(request.input);
          return answer();
        },
      } as unknown as CapabilityClient,
      { service: 'test-service' } as MessagingOptions,
    );

  beforeEach(() => {
    asked = [];
    answer = async () => ({ due: '2026-12-08', calendarDays: 4, provisional: false, unpublishedYears: [] });
    jest.useFakeTimers({ now: new Date('2026-12-04T02:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => jest.useRealTimers());

  it('asks once for the same question, at once or within a minute, and again after', async () => {
    const days = client();
    const both = await Promise.all([days.deadline('2026-12-04', 2), days.deadline('2026-12-04', 2)]);
    expect(both).toEqual([
      { due: '2026-12-08', provisional: false },
      { due: '2026-12-08', provisional: false },
    ]);
    await days.deadline('2026-12-04', 2);
    expect(asked).toHaveLength(1);
    await days.deadline('2026-12-04', 3); // another question
    expect(asked).toHaveLength(2);
    jest.setSystemTime(new Date('2026-12-04T02:01:01Z'));
    await days.deadline('2026-12-04', 2);
    expect(asked).toHaveLength(3);
  });

  it('does not keep a provisional answer (the calendar did not answer): the next question asks again', async () => {
    const days = client();
    answer = () => Promise.reject(new Error('no calendar'));
    const first = await days.deadline('2026-12-04', 1);
    expect(first).toEqual({ due: '2026-12-07', provisional: true }); // Friday + 1 working day, by the weekday rule
    await Promise.resolve();
    answer = async () => ({ due: '2026-12-07', calendarDays: 3, provisional: false, unpublishedYears: [] });
    expect(await days.deadline('2026-12-04', 1)).toEqual({ due: '2026-12-07', provisional: false });
    expect(asked).toHaveLength(2);
  });

  it('counts working days through the calendar, and by the weekday rule (provisional) when it does not answer', async () => {
    const days = client();
    answer = async () => ({ workingDays: 1, provisional: false, unpublishedYears: [] });
    expect(await days.count('2026-12-04', '2026-12-08')).toEqual({ workingDays: 1, provisional: false });
    answer = () => Promise.reject(new Error('no calendar'));
    // Friday → the next Tuesday: Monday and Tuesday.
    expect(await days.count('2026-12-04', '2026-12-08')).toEqual({ workingDays: 2, provisional: true });
    expect(await days.count('2026-12-04', '2026-12-04')).toEqual({ workingDays: 0, provisional: true });
    // A malformed answer is not taken either.
    answer = async () => ({ workingDays: 'many' });
    expect(await days.count('2026-12-07', '2026-12-11')).toEqual({ workingDays: 4, provisional: true });
  });
});
