import { DataSource } from 'typeorm';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { getJson, INTERNAL, post, putJson } from './dispatch-client.js';

/**
 * The working-day calendar (工作日历) — the capability added "the new way" (docs/architecture.md):
 * time limits through dispatch over Kafka on real PostgreSQL, the arrangement of a new year
 * published by ops without a release, and every malformed input refused with a 4xx.
 */
describe('working-day calendar', () => {
  let tech: RunningService;
  let dispatch: RunningService;
  const deadline = (input: unknown) => post(`${dispatch.url}/v1/capabilities/calendar.deadline/invoke`, input);
  const count = (input: unknown) => post(`${dispatch.url}/v1/capabilities/calendar.count/invoke`, input);
  const year = (y: string | number) => `${tech.url}/internal/v1/calendar/years/${y}`;
  const OPERATOR = { 'x-caller': 'ops@calendar' };
  const arrangement2027 = {
    source: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
    days: [
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-01-04', kind: 'holiday', name: '元旦' },
      { date: '2027-01-09', kind: 'workday', name: '元旦' },
    ],
  };

  beforeAll(async () => {
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv());
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
  });

  it('computes a time limit over the official arrangement (National Day 2026, with the Saturday worked)', async () => {
    const r = await deadline({ from: '2026-09-30', workingDays: 3 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ due: '2026-10-10', calendarDays: 10, provisional: false, unpublishedYears: [] });
    const c = await count({ from: '2026-09-30', to: '2026-10-16' });
    expect(c.body).toEqual({ workingDays: 8, provisional: false, unpublishedYears: [] });
  });

  it('marks a count that crosses an unpublished year as provisional, and the published arrangement then applies', async () => {
    const before = await deadline({ from: '2026-12-31', workingDays: 1 });
    expect(before.body).toEqual({ due: '2027-01-01', calendarDays: 1, provisional: true, unpublishedYears: [2027] });
    expect((await getJson(year(2027), INTERNAL)).status).toBe(404);

    const put = await putJson(year(2027), arrangement2027, OPERATOR);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ year: 2027, revision: 1, publishedBy: 'ops@calendar', days: arrangement2027.days });
    const after = await deadline({ from: '2026-12-31', workingDays: 2 });
    // 01-01 (Fri) and 01-04 (Mon) off, the weekend between: the first two working days are 01-05 and 01-06.
    expect(after.body).toEqual({ due: '2027-01-06', calendarDays: 6, provisional: false, unpublishedYears: [] });

    // A correction is a new revision; every revision stays in the store.
    const corrected = await putJson(year(2027), { ...arrangement2027, days: arrangement2027.days.slice(0, 1) }, OPERATOR);
    expect(corrected.body).toMatchObject({ revision: 2 });
    expect((await getJson(year(2027), INTERNAL)).body).toMatchObject({ revision: 2, days: [{ date: '2027-01-01' }] });
    const revisions = await tech.app
      .get(DataSource)
      .query(`SELECT revision, published_by FROM "${tech.definition.schema}".calendar_revision WHERE year = 2027 ORDER BY revision`);
    expect(revisions).toEqual([
      { revision: 1, published_by: 'ops@calendar' },
      { revision: 2, published_by: 'ops@calendar' },
    ]);
  });

  it.each([
    [{ from: '2026-02-30', workingDays: 1 }, 422, 'NO_SUCH_DATE'],
    [{ from: '2026/09/30', workingDays: 1 }, 400, 'INVALID_INPUT'],
    [{ from: '2026-09-30', workingDays: 0 }, 400, 'INVALID_INPUT'],
    [{ from: '2026-09-30', workingDays: 1.5 }, 400, 'INVALID_INPUT'],
    [{ from: '2026-09-30', workingDays: 3651 }, 400, 'INVALID_INPUT'],
    [{ from: '2026-09-30', workingDays: '3' }, 400, 'INVALID_INPUT'],
    [{ from: '2026-09-30' }, 400, 'INVALID_INPUT'],
    [{ from: '2026-09-30', workingDays: 3, extra: 1 }, 400, 'INVALID_INPUT'],
    [[], 400, 'INVALID_INPUT'],
  ])('deadline refuses %j with %i %s', async (input, status, code) => {
    const r = await deadline(input);
    expect([r.status, r.body.code]).toEqual([status, code]);
  });

  it.each([
    [{ from: '2026-09-30', to: '2026-13-01' }, 400, 'INVALID_INPUT'],
    [{ from: '2026-09-31', to: '2026-10-01' }, 422, 'NO_SUCH_DATE'],
    [{ from: '1899-12-31', to: '2026-01-01' }, 400, 'INVALID_INPUT'],
    [{ from: '1950-01-01', to: '2100-12-31' }, 422, 'SPAN_TOO_LONG'],
  ])('count refuses %j with %i %s', async (input, status, code) => {
    const r = await count(input);
    expect([r.status, r.body.code]).toEqual([status, code]);
  });

  it.each([
    ['a day of another year', { source: '通知', days: [{ date: '2028-01-01', kind: 'holiday', name: '元旦' }] }, 422, 'DAY_OUTSIDE_YEAR'],
    [
      'a day twice',
      {
        source: '通知',
        days: [
          { date: '2029-01-01', kind: 'holiday', name: '元旦' },
          { date: '2029-01-01', kind: 'holiday', name: '元旦' },
        ],
      },
      422,
      'DAY_LISTED_TWICE',
    ],
    ['a weekday "worked"', { source: '通知', days: [{ date: '2029-01-02', kind: 'workday', name: '元旦' }] }, 422, 'WORKDAY_NOT_WEEKEND'],
    ['no real date', { source: '通知', days: [{ date: '2029-02-29', kind: 'holiday', name: '元旦' }] }, 422, 'NO_SUCH_DATE'],
    ['an unknown kind', { source: '通知', days: [{ date: '2029-01-01', kind: 'rest', name: '元旦' }] }, 400, 'INVALID_INPUT'],
    ['no source', { days: [] }, 400, 'INVALID_INPUT'],
    ['days not a list', { source: '通知', days: { date: '2029-01-01' } }, 400, 'INVALID_INPUT'],
  ])('publishing refuses %s', async (_what, body, status, code) => {
    const r = await putJson(year(2029), body, OPERATOR);
    expect([r.status, r.body?.code]).toEqual([status, code]);
    expect((await getJson(year(2029), INTERNAL)).status).toBe(404);
  });

  it('guards the operators’ API: token, caller and year checked', async () => {
    const wrongToken = await putJson(
      year(2030),
      { source: '通知', days: [] },
      { 'x-internal-token': 'wrong-token-wrong-token', ...OPERATOR },
    );
    expect([wrongToken.status, wrongToken.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await putJson(year(2030), { source: '通知', days: [] })).body.code).toBe('CALLER_REQUIRED');
    expect((await getJson(year('twenty'), { 'x-internal-token': TEST_INTERNAL_API_TOKEN })).body.code).toBe('YEAR_INVALID');
    expect((await getJson(year(1999), { 'x-internal-token': TEST_INTERNAL_API_TOKEN })).body.code).toBe('YEAR_INVALID');
    expect((await getJson(year(2030), { 'x-internal-token': TEST_INTERNAL_API_TOKEN })).status).toBe(404);
  });
});
