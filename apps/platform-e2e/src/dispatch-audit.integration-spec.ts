import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CallAuditService, serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { getJson, post } from './dispatch-client.js';

const LICENCE = '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0';

/** The call audit: every call, accepted or refused, in a hash chain that finds any change; usage from it. */
describe('dispatch: call audit and usage', () => {
  let tech: RunningService;
  let dispatch: RunningService;
  const internal = { 'x-internal-token': TEST_INTERNAL_API_TOKEN };
  const get = (path: string, headers: Record<string, string>) => getJson(`${dispatch.url}${path}`, headers);
  const sql = (q: string, p: unknown[] = []) =>
    dispatch.app.get(DataSource).query(q.replaceAll('S.', `"${dispatch.definition.schema}".`), p);
  const verify = async () => (await post(`${dispatch.url}/internal/v1/audit/verify`, {}, { ...internal, authorization: '' })).body;

  beforeAll(async () => {
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv());
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
  });

  it('records accepted and refused calls — who, what, why, outcome, latency, the request’s SM3 — before answering', async () => {
    const body = JSON.stringify({ licenceId: LICENCE });
    await post(`${dispatch.url}/v1/capabilities/e-licence.verify/invoke`, body, {
      'x-purpose': encodeURIComponent('审计测试'),
      'x-case-id': 'CASE-AUDIT-1',
    });
    await post(`${dispatch.url}/v1/capabilities/e-licence.verify/invoke`, { licenceId: 'bad' }, { 'x-purpose': 'audit-e2e' });
    await post(`${dispatch.url}/v1/capabilities/e-licence.verify/invoke`, body, {
      authorization: `Basic ${Buffer.from('intruder-app:wrong').toString('base64')}`,
    });
    await post(`${dispatch.url}/v1/capabilities/no.such-thing/invoke`, body, {});
    const { body: audit } = await get('/internal/v1/audit/calls?limit=4', internal);
    const [unknown, intruder, bad, ok] = audit.calls;
    expect(ok).toMatchObject({
      app: 'demo-portal',
      capability: 'e-licence.verify',
      operation: 'invoke',
      purpose: '审计测试',
      caseId: 'CASE-AUDIT-1',
      status: 404,
      code: 'NOT_FOUND',
      requestHash: createHash('sm3').update(body).digest('hex'),
    });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    expect(bad).toMatchObject({ app: 'demo-portal', status: 400, code: 'INVALID_INPUT', purpose: 'audit-e2e' });
    expect(intruder).toMatchObject({ app: '?intruder-app', status: 401, code: 'UNAUTHENTICATED' });
    expect(unknown).toMatchObject({ capability: 'no.such-thing', status: 404, code: 'CAPABILITY_NOT_FOUND' });
    expect(await verify()).toMatchObject({ valid: true, problems: [] });
  });

  it('refuses to change or delete entries in the database, and finds changed, missing and cut-off entries when someone does it anyway', async () => {
    await post(`${dispatch.url}/v1/capabilities/e-licence.verify/invoke`, { licenceId: LICENCE }, {});
    await post(`${dispatch.url}/v1/capabilities/e-licence.verify/invoke`, { licenceId: LICENCE }, {});
    await post(`${dispatch.url}/v1/capabilities/e-licence.verify/invoke`, { licenceId: LICENCE }, {});
    await expect(sql(`UPDATE S.call_audit SET purpose = 'forged'`)).rejects.toThrow(/cannot be changed/);
    await expect(sql(`DELETE FROM S.call_audit`)).rejects.toThrow(/180/);
    const [chain] = await sql(`SELECT id, last_seq FROM S.call_audit_chain WHERE last_seq > 3 ORDER BY started_at DESC LIMIT 1`);
    const middle = String(Number(chain.last_seq) - 1);
    // Someone with the database owner's rights goes round the trigger.
    await sql(`ALTER TABLE S.call_audit DISABLE TRIGGER call_audit_guard`);
    try {
      await sql(`UPDATE S.call_audit SET status = 200 WHERE chain_id = $1 AND seq = $2`, [chain.id, middle]);
      expect(await verify()).toMatchObject({ valid: false, problems: [{ chainId: chain.id, seq: middle, problem: 'ENTRY_CHANGED' }] });
      const [row] = await sql(`SELECT * FROM S.call_audit WHERE chain_id = $1 AND seq = $2`, [chain.id, middle]);
      await sql(`DELETE FROM S.call_audit WHERE chain_id = $1 AND seq = $2`, [chain.id, middle]);
      expect((await verify()).problems).toEqual([{ chainId: chain.id, seq: middle, problem: 'ENTRY_MISSING' }]);
      await sql(`INSERT INTO S.call_audit SELECT * FROM jsonb_populate_record(NULL::S.call_audit, $1::jsonb)`, [
        JSON.stringify({ ...row, status: 404 }),
      ]);
      expect(await verify()).toMatchObject({ valid: true });
      const [last] = await sql(`SELECT * FROM S.call_audit WHERE chain_id = $1 AND seq = $2`, [chain.id, chain.last_seq]);
      await sql(`DELETE FROM S.call_audit WHERE chain_id = $1 AND seq = $2`, [chain.id, chain.last_seq]);
      expect((await verify()).problems).toEqual([{ chainId: chain.id, seq: String(chain.last_seq), problem: 'ENTRIES_CUT_OFF' }]);
      await sql(`INSERT INTO S.call_audit SELECT * FROM jsonb_populate_record(NULL::S.call_audit, $1::jsonb)`, [JSON.stringify(last)]);
      expect(await verify()).toMatchObject({ valid: true });
    } finally {
      await sql(`ALTER TABLE S.call_audit ENABLE TRIGGER call_audit_guard`);
    }
  });

  it('prunes entries past the retention period and moves the chain’s anchor, so the rest still verifies', async () => {
    const audit = dispatch.app.get(CallAuditService);
    // A chain written long ago: three entries 400 and 200 days old, one of today.
    const id = randomUUID();
    const genesis = createHash('sm3').update(`gmp-call-audit:${id}`).digest('hex');
    let hash = genesis;
    const ages = [400, 300, 200, 0];
    for (const [i, age] of ages.entries()) {
      const entry = {
        chainId: id,
        seq: String(i + 1),
        at: new Date(Date.now() - age * 86_400_000),
        app: 'old-app',
        capability: 'e-licence.verify',
        operation: 'invoke',
        endUser: null,
        purpose: null,
        caseId: null,
        correlationId: null,
        status: 200,
        code: null,
        latencyMs: 5,
        requestHash: '0'.repeat(64),
      };
      const next = audit.hashOf(hash, entry);
      await sql(
        `INSERT INTO S.call_audit (chain_id, seq, at, app, capability, operation, status, latency_ms, request_hash, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          entry.seq,
          entry.at,
          entry.app,
          entry.capability,
          entry.operation,
          entry.status,
          entry.latencyMs,
          entry.requestHash,
          hash,
          next,
        ],
      );
      hash = next;
    }
    await sql(
      `INSERT INTO S.call_audit_chain (id, writer, started_at, last_seq, last_hash, anchor_seq, anchor_hash) VALUES ($1, 'old-writer', now() - interval '400 days', 4, $2, 0, $3)`,
      [id, hash, genesis],
    );
    expect(await verify()).toMatchObject({ valid: true });
    expect(await audit.prune()).toBe(3); // older than 180 days
    expect(await sql(`SELECT seq FROM S.call_audit WHERE chain_id = $1`, [id])).toEqual([{ seq: '4' }]);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('reports usage by day for the app itself and for owners; bad ranges are 400', async () => {
    const mine = await get('/v1/usage', { authorization: `Basic ${Buffer.from('demo-portal:demo-portal-secret').toString('base64')}` });
    expect(mine.status).toBe(200);
    const verifyRow = mine.body.usage.find((u: { capability: string }) => u.capability === 'e-licence.verify');
    expect(verifyRow).toMatchObject({ app: 'demo-portal', day: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) });
    expect(verifyRow.calls).toBeGreaterThanOrEqual(5);
    expect(verifyRow.refused).toBeGreaterThanOrEqual(5);
    expect(mine.body.usage.every((u: { app: string }) => u.app === 'demo-portal')).toBe(true);
    const all = await get('/internal/v1/usage?capability=e-licence.verify', internal);
    expect(all.body.usage.map((u: { app: string }) => u.app)).toEqual(expect.arrayContaining(['demo-portal', '?intruder-app']));
    expect((await get('/internal/v1/usage?from=yesterday', internal)).status).toBe(400);
    expect((await get('/internal/v1/usage?from=2026-12-02&to=2026-12-01', internal)).status).toBe(400);
    expect((await get('/internal/v1/audit/calls?limit=0', internal)).status).toBe(400);
    expect((await get('/v1/usage', {})).status).toBe(401);
  });
  it('exposes Prometheus metrics per app × capability × outcome, on the internal token only; malformed capability codes are 4xx, not 500', async () => {
    const odd = await post(`${dispatch.url}/v1/capabilities/%E0%A4%A/invoke`, { licenceId: LICENCE });
    expect(odd.status).toBeGreaterThanOrEqual(400);
    expect(odd.status).toBeLessThan(500);
    const res = await fetch(`${dispatch.url}/metrics`, { headers: internal });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(
      /gmp_dispatch_calls_total\{app="demo-portal",capability="e-licence.verify",operation="invoke",status="404",code="NOT_FOUND",service="service-dispatch"\} [1-9]/,
    );
    expect(text).toMatch(
      /gmp_dispatch_calls_total\{app="\(unauthenticated\)",capability="e-licence.verify",operation="invoke",status="401",code="UNAUTHENTICATED",service="service-dispatch"\} 1/,
    );
    expect(text).toContain(
      'gmp_dispatch_call_duration_seconds_bucket{le="0.05",service="service-dispatch",app="demo-portal",capability="e-licence.verify",operation="invoke"}',
    );
    // The process and the HTTP routes, as on every service's /metrics (by route pattern, not path).
    expect(text).toMatch(/^gmp_process_cpu_seconds_total\{service="service-dispatch"\} /m);
    expect(text).toMatch(
      /^gmp_http_request_duration_seconds_count\{service="service-dispatch",method="POST",route="\/v1\/capabilities\/:code\/invoke",status="404"\} [1-9]/m,
    );
    expect(text).not.toContain('%E0%A4%A');
    expect((await fetch(`${dispatch.url}/metrics`)).status).toBe(401);
  });
  it('audits calls however their path is spelled, keeps entries with control characters, and refuses TRUNCATE and removal of chain heads', async () => {
    await post(`${dispatch.url}/v1/capabilities/e-licence.verify/%69nvoke`, { licenceId: LICENCE }, { 'x-purpose': '%00spelled' });
    const { body } = await get('/internal/v1/audit/calls?limit=1', internal);
    // A NUL in a who-and-why header is refused at the edge (400) — and audited all the same.
    expect(body.calls[0]).toMatchObject({ capability: 'e-licence.verify', operation: 'invoke', status: 400 });
    expect(await verify()).toMatchObject({ valid: true });
    await expect(sql(`TRUNCATE S.call_audit`)).rejects.toThrow(/truncated/);
    await expect(sql(`DELETE FROM S.call_audit_chain`)).rejects.toThrow(/cannot be deleted/);
    await expect(sql(`UPDATE S.call_audit_chain SET last_seq = 0`)).rejects.toThrow(/forward/);
    expect((await get('/internal/v1/usage?from=2026-13-45&to=2026-13-46', internal)).status).toBe(400);
    expect((await get('/internal/v1/usage?from=2026-12-01&from=2026-12-02', internal)).status).toBe(400);
  });
});
