import { randomBytes } from 'node:crypto';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { post, putJson, registerGrantedApp } from './dispatch-client.js';

const LICENCE = '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0';

/** Rate limits and daily quotas per app and per app × capability, shared by two dispatch instances through Redis. */
describe('dispatch: rate limits and quotas', () => {
  let tech: RunningService;
  let one: RunningService;
  let two: RunningService;
  const run = randomBytes(3).toString('hex');
  const put = (url: string, body: unknown) => putJson(url, body);

  beforeAll(async () => {
    expect(process.env['REDIS_URL']).toBeTruthy();
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    const dispatch = inOwnSchema(serviceDispatchService);
    one = await startService(dispatch, integrationEnv());
    two = await startService(dispatch, integrationEnv());
  }, 120_000);

  afterAll(async () => {
    await two?.close();
    await one?.close();
    await tech?.close();
  });

  /** A new app granted e-licence.verify. */
  const grantedApp = (tag: string) => registerGrantedApp(one.url, `e2e-quota-${tag}-${run}`, 'e-licence.verify');
  const call = (url: string, auth: Record<string, string>) =>
    post(`${url}/v1/capabilities/e-licence.verify/invoke`, { licenceId: LICENCE }, auth);

  it('holds an app × capability to its rate per second: 429 RATE_LIMITED with Retry-After', async () => {
    const { auth, grantId } = await grantedApp('rate');
    expect(
      (await put(`${one.url}/internal/v1/subscriptions/${grantId}/limits`, { ratePerSecond: 2, quotaPerDay: null })).body,
    ).toMatchObject({ ratePerSecond: 2, quotaPerDay: null });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => call(i % 2 ? one.url : two.url, auth)));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(4); // 8 calls within at most two one-second windows of 2
    expect(limited[0]!.body.code).toBe('RATE_LIMITED');
    const res = await fetch(`${one.url}/v1/capabilities/e-licence.verify/invoke`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ licenceId: LICENCE }),
    });
    if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call(one.url, auth)).status).toBe(404); // the next second: through to the provider
  });

  it('holds an app × capability to its daily quota across both instances; refused calls do not count; other apps are not affected', async () => {
    const { auth, grantId } = await grantedApp('day');
    await put(`${one.url}/internal/v1/subscriptions/${grantId}/limits`, { ratePerSecond: null, quotaPerDay: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await call(i % 2 ? one.url : two.url, auth)).status);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(5);
    const over = await fetch(`${two.url}/v1/capabilities/e-licence.verify/invoke`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ licenceId: LICENCE }),
    });
    expect(over.status).toBe(429);
    expect(((await over.json()) as { code: string }).code).toBe('QUOTA_EXCEEDED');
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    // Raising the quota by one lets exactly one more call through: the refused ones were not counted, today's count was kept.
    await put(`${one.url}/internal/v1/subscriptions/${grantId}/limits`, { ratePerSecond: null, quotaPerDay: 6 });
    expect((await call(one.url, auth)).status).toBe(404);
    expect((await call(two.url, auth)).status).toBe(429);
    // The demo app is not held back by this app's quota.
    expect((await post(`${one.url}/v1/capabilities/e-licence.verify/invoke`, { licenceId: LICENCE })).status).toBe(404);
  });

  it('holds an app to its own daily quota over all capabilities', async () => {
    const { appKey, auth } = await grantedApp('app');
    expect((await put(`${one.url}/internal/v1/apps/${appKey}/limits`, { ratePerSecond: null, quotaPerDay: 2 })).status).toBe(200);
    // The instances remember an app's credentials for up to 60 s: this one was told, the other learns on its next look-up.
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(one.url, auth)).status);
    expect(statuses).toEqual([404, 404, 429]);
  });

  it('refuses malformed limits and unknown targets', async () => {
    const { grantId } = await grantedApp('bad');
    for (const body of [
      { ratePerSecond: 0, quotaPerDay: null },
      { ratePerSecond: 'x', quotaPerDay: null },
      { ratePerSecond: 5 },
      { ratePerSecond: 1.5, quotaPerDay: null },
      { ratePerSecond: 5, quotaPerDay: 10, extra: 1 },
    ]) {
      const r = await put(`${one.url}/internal/v1/subscriptions/${grantId}/limits`, body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
    }
    expect(
      (
        await put(`${one.url}/internal/v1/subscriptions/00000000-0000-4000-8000-000000000000/limits`, {
          ratePerSecond: 5,
          quotaPerDay: null,
        })
      ).status,
    ).toBe(404);
    expect((await put(`${one.url}/internal/v1/apps/nobody-${run}/limits`, { ratePerSecond: 5, quotaPerDay: null })).status).toBe(404);
  });
});
