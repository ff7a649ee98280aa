import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IdempotencyService, ProviderBreakersService, serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_COMPANIES, DEMO_LICENCE_TYPES, DEMO_SEAL, techCapabilitiesService } from '@gmp/feature-tech';
import { ProblemException, type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { DispatchClient, DispatchError } from '@gmp/dispatch-client';
import { DEMO_AUTH, putJson, registerGrantedApp } from './dispatch-client.js';

/** Idempotency keys and per-provider circuit breakers, through dispatch over Kafka. */
describe('dispatch: idempotency keys and circuit breakers', () => {
  const techDef = inOwnSchema(techCapabilitiesService);
  let tech: RunningService | null;
  let dispatch: RunningService;
  const run = randomBytes(3).toString('hex');
  const call = async (code: string, input: unknown, headers: Record<string, string> = {}) => {
    const started = performance.now();
    const res = await fetch(`${dispatch.url}/v1/capabilities/${code}/invoke`, {
      method: 'POST',
      headers: { authorization: DEMO_AUTH, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(input),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any, ms: performance.now() - started };
  };

  beforeAll(async () => {
    tech = await startService(techDef, integrationEnv());
    dispatch = await startService(
      inOwnSchema(serviceDispatchService),
      integrationEnv({ DISPATCH_BREAKER_VOLUME: '3', DISPATCH_BREAKER_RESET_MS: '1500' }),
    );
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
  });

  it('runs a keyed call once: the same key gets the same answer; another request under the key is 422; a bad key is 400', async () => {
    const holderName = `幂等测试企业${run}`;
    const issue = {
      typeCode: DEMO_LICENCE_TYPES.find((t) => t.name === '营业执照')!.code,
      holderType: 'company',
      holderId: DEMO_COMPANIES[1]!.id,
      holderName,
      data: { legalRepresentative: '王五', registeredCapital: '10万元', businessScope: '咨询' },
      sealId: DEMO_SEAL.id,
    };
    const key = { 'idempotency-key': `issue-${run}-0001` };
    const first = await call('e-licence.issue', issue, key);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await call('e-licence.issue', issue, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const count = async () =>
      Number(
        (await tech!.app.get(DataSource).query(`SELECT count(*) FROM "${techDef.schema}".licence WHERE holder_name = $1`, [holderName]))[0]
          .count,
      );
    expect(await count()).toBe(1);
    // The same key with the same input but another purpose (or end user) is another request.
    expect((await call('e-licence.issue', issue, { ...key, 'x-purpose': 'other-purpose' })).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const reused = await call('e-licence.issue', { ...issue, holderName: `${holderName}X` }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Concurrent calls with one new key: one runs; the others wait their turn (409) or get its answer.
    const concurrent = await Promise.all([1, 2, 3].map(() => call('e-licence.issue', issue, { 'idempotency-key': `issue-${run}-0002` })));
    expect(concurrent.filter((c) => c.status === 200 && !c.headers.get('idempotent-replayed'))).toHaveLength(1);
    expect(concurrent.every((c) => c.status === 200 || (c.status === 409 && c.body.code === 'IDEMPOTENCY_IN_PROGRESS'))).toBe(true);
    expect(await count()).toBe(2);
    // A refusal by the provider is an answer too: kept under its key.
    const refusedKey = { 'idempotency-key': `issue-${run}-0003` };
    const refused = await call('e-licence.issue', { ...issue, data: {} }, refusedKey);
    expect(refused.status).toBe(422);
    expect((await call('e-licence.issue', { ...issue, data: {} }, refusedKey)).headers.get('idempotent-replayed')).toBe('true');
    expect((await call('e-licence.issue', issue, { 'idempotency-key': 'short' })).status).toBe(400);
  });

  it('lets only the claim that holds a key record its answer: a stalled first caller cannot undo a takeover', async () => {
    const idem = dispatch.app.get(IdempotencyService);
    const key = `stall-${run}-0001`;
    const input = { licenceId: 'x' };
    const first = await idem.begin('e2e-stall', key, 'e-licence.verify', input);
    expect('claim' in first).toBe(true);
    // Its instance stalls past the 2-minute lease; another request takes the key over.
    await dispatch.app
      .get(DataSource)
      .query(
        `UPDATE "${dispatch.definition.schema}".idempotency_record SET created_at = now() - interval '3 minutes' WHERE idem_key = $1`,
        [key],
      );
    const second = await idem.begin('e2e-stall', key, 'e-licence.verify', input);
    expect('claim' in second).toBe(true);
    // The stalled caller's late answers change nothing: neither a 504 (which would free the key) nor an output.
    await idem.finish(
      'e2e-stall',
      key,
      (first as { claim: string }).claim,
      { error: new ProblemException(504, 'PROVIDER_TIMEOUT', 't') },
      { idempotent: true },
    );
    await idem.finish('e2e-stall', key, (first as { claim: string }).claim, { output: { from: 'stalled' } });
    await expect(idem.begin('e2e-stall', key, 'e-licence.verify', input)).rejects.toMatchObject({
      response: expect.objectContaining({ code: 'IDEMPOTENCY_IN_PROGRESS' }),
    });
    await idem.finish('e2e-stall', key, (second as { claim: string }).claim, { output: { from: 'takeover' } });
    expect(await idem.begin('e2e-stall', key, 'e-licence.verify', input)).toEqual({
      replay: { status: 200, answer: { from: 'takeover' } },
    });
  });

  it('the typed client sends one Idempotency-Key on every attempt and retries 429s after Retry-After', async () => {
    const { appKey, appSecret, grantId } = await registerGrantedApp(dispatch.url, `e2e-client-${run}`, 'e-licence.verify');
    await putJson(`${dispatch.url}/internal/v1/subscriptions/${grantId}/limits`, { ratePerSecond: 1, quotaPerDay: null });
    const client = new DispatchClient({ baseUrl: dispatch.url, credentials: { appKey, secret: appSecret }, retries: 3 });
    const licenceId = '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0';
    // Three at once against 1 call/s: the refused ones wait for Retry-After and get through.
    const answers = await Promise.all([1, 2, 3].map(() => client.invoke('e-licence.verify', { licenceId }).catch((e: unknown) => e)));
    expect(answers.map((a) => (a as DispatchError).code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    const noRetry = new DispatchClient({ baseUrl: dispatch.url, credentials: { appKey, secret: appSecret } });
    const burst = await Promise.all([1, 2, 3].map(() => noRetry.invoke('e-licence.verify', { licenceId }).catch((e: unknown) => e)));
    expect(burst.some((a) => (a as DispatchError).code === 'RATE_LIMITED' && (a as DispatchError).retryAfterMs! >= 1000)).toBe(true);
  });

  it('refuses who-and-why values PostgreSQL cannot store with 400 at the edge: nothing reaches the provider, no circuit opens for anyone', async () => {
    const licenceId = '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0';
    const hostile: Record<string, string>[] = [];
    for (const value of ['%00', 'a%00b', '%01', '%1B%5B31m', '%7F', '%C2%85', '%E2%80%A8', '%ED%A0%80', '%zz', '%'])
      hostile.push({ 'x-purpose': value });
    for (const value of ['demo.gov-data-sharing%00', '%00', 'x']) hostile.push({ 'x-legal-basis': value });
    for (const name of ['x-end-user', 'x-case-id', 'x-capability-version', 'idempotency-key']) hostile.push({ [name]: 'a\tb' }); // (fetch itself refuses to send other raw control characters)
    for (const headers of hostile) {
      for (let i = 0; i < 3; i++) {
        const answer = await call('e-licence.verify', { licenceId }, headers);
        expect({ headers, status: answer.status, code: answer.body.code }).toEqual({ headers, status: 400, code: 'INVALID_HEADER' });
      }
    }
    expect(dispatch.app.get(ProviderBreakersService).notClosed()).toEqual([]);
    expect((await call('e-licence.verify', { licenceId })).status).toBe(404); // the provider answers normally
  });

  it('opens a provider’s circuit after repeated timeouts (503 CIRCUIT_OPEN at once), and closes it when the provider is back', async () => {
    const input = { grantee: 'demo-portal', validUntil: new Date(Date.now() + 3_600_000).toISOString() };
    const otherApp = await registerGrantedApp(dispatch.url, `e2e-breaker-${run}`, 'e-licence.authorise-use');
    await tech!.close();
    tech = null;
    // Keyed calls timing out meanwhile: an idempotent one (verify) may run again under its key, a non-idempotent one (issue) may not.
    const verifyKey = { 'idempotency-key': `verify-${run}-0001` };
    const issueKey = { 'idempotency-key': `issue-${run}-down` };
    const issue = {
      typeCode: DEMO_LICENCE_TYPES.find((t) => t.name === '营业执照')!.code,
      holderType: 'company',
      holderId: DEMO_COMPANIES[1]!.id,
      holderName: `超时测试企业${run}`,
      data: { legalRepresentative: '王五', registeredCapital: '10万元', businessScope: '咨询' },
      sealId: DEMO_SEAL.id,
    };
    const licenceId = '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0';
    // (awaited below: e-licence.issue waits longer than the circuit stays open)
    const keyed = Promise.all([call('e-licence.verify', { licenceId }, verifyKey), call('e-licence.issue', issue, issueKey)]);
    const timedOut = await Promise.all([1, 2, 3].map(() => call('e-licence.authorise-use', input)));
    expect(timedOut.map((t) => t.body.code)).toEqual(['PROVIDER_TIMEOUT', 'PROVIDER_TIMEOUT', 'PROVIDER_TIMEOUT']);
    const open = await call('e-licence.authorise-use', input);
    expect(open.status).toBe(503);
    expect(open.body.code).toBe('CIRCUIT_OPEN');
    expect(open.headers.get('retry-after')).toBe('2');
    expect(open.ms).toBeLessThan(500);
    // The circuit is the calling app's: another app's call still goes to the provider (and times out on its own).
    expect((await call('e-licence.authorise-use', input, otherApp.auth)).body.code).toBe('PROVIDER_TIMEOUT');
    expect(dispatch.app.get(ProviderBreakersService).notClosed()).toEqual([
      expect.objectContaining({ app: 'demo-portal', state: expect.stringMatching(/open/) }),
    ]);
    // Other providers' circuits are not affected: dispatch still answers for them (here: a contract refusal before sending).
    expect((await call('e-licence.verify', { licenceId: 'bad' })).status).toBe(400);
    expect((await keyed).map((k) => k.status)).toEqual([504, 504]);
    tech = await startService(techDef, integrationEnv());
    await new Promise((r) => setTimeout(r, 1600));
    // The trial call reaches the provider (which refuses: no signed-in holder) and closes the circuit.
    const trial = await call('e-licence.authorise-use', input);
    expect(trial.status).toBe(403);
    expect((await call('e-licence.authorise-use', input)).status).toBe(403);
    // The idempotent call runs again under its key (the provider answers this time); the issue's 504 stays its answer.
    const again = await call('e-licence.verify', { licenceId }, verifyKey);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).not.toBe(504);
    const issueAgain = await call('e-licence.issue', issue, issueKey);
    expect(issueAgain.status).toBe(504);
    expect(issueAgain.headers.get('idempotent-replayed')).toBe('true');
  }, 60_000);
});
