import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { DispatchClient, DispatchError } from '@gmp/dispatch-client';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_PERSON, techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv } from '@gmp/testing';
import { INTERNAL, post } from './dispatch-client.js';

/**
 * An integrator's whole journey through dispatch, as docs/dispatch.md tells it: an app is
 * registered, subscribes, is approved; calls a capability synchronously and asynchronously, a
 * proxied ministry API (OAuth client credentials) and composites; then reads its usage — with the
 * typed client and HMAC-SM3 signed requests, over real Kafka, PostgreSQL and Redis.
 */
describe('dispatch: an integrator from registration to usage', () => {
  let data: RunningService;
  let tech: RunningService;
  let dispatch: RunningService;
  let ministry: Server;
  let ministryUrl: string;
  const run = randomBytes(3).toString('hex');
  const appKey = `journey-${run}`;
  const PHOTO = `proxy.journey-${run}.photo-check`;
  const COMPOSITE = `composite.journey-${run}.photo-and-licences`;
  const owner = { ...INTERNAL, 'x-caller': 'owner-zhao' };

  beforeAll(async () => {
    // The ministry's API behind its OAuth server.
    ministry = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => {
          const send = (status: number, body: unknown) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(body));
          };
          if (req.url === '/oauth/token') return send(200, { access_token: 'ministry-token', token_type: 'Bearer', expires_in: 600 });
          if (req.url === '/photo/check' && req.headers.authorization === 'Bearer ministry-token') {
            const b = JSON.parse(Buffer.concat(chunks).toString()) as { gmsfhm: string };
            return send(200, { code: '00', data: { zpbz: b.gmsfhm === DEMO_PERSON.idNumber ? '1' : '0' } });
          }
          return send(401, { code: '99' });
        });
    });
    await new Promise<void>((r) => ministry.listen(0, '127.0.0.1', r));
    ministryUrl = `http://127.0.0.1:${(ministry.address() as { port: number }).port}`;
    data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ PROXY_ALLOW_PRIVATE: 'true' }));
  }, 180_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
    await data?.close();
    await new Promise((r) => ministry?.close(r));
  });

  it('registers, subscribes, is approved, calls sync, async, a proxied upstream and composites, and sees its usage', async () => {
    // 1. An operator registers the business line's app; it signs its requests with HMAC-SM3.
    const app = await post(
      `${dispatch.url}/internal/v1/apps`,
      { appKey, name: '不动产登记系统 (journey)', ownerDepartment: '省自然资源厅', signatureScheme: 'gmp-hmac-sm3' },
      INTERNAL,
    );
    expect(app.status).toBe(201);
    const client = new DispatchClient({ baseUrl: dispatch.url, credentials: { appKey, hmacSecret: app.body.hmacSecret } });
    const basis = `journey.real-estate-${run}`;
    const why = { purpose: '不动产登记一件事', legalBasis: basis, caseId: `BDC-${run}`, endUser: DEMO_PERSON.idNumber };

    // 2. An operator publishes a ministry API through the interface proxy (OAuth client credentials injected).
    const upstream = await post(
      `${dispatch.url}/internal/v1/upstreams`,
      {
        code: PHOTO,
        name: '人像比对（部级接口）',
        ownerDepartment: '公安部',
        baseUrl: ministryUrl,
        path: '/photo/check',
        method: 'POST',
        auth: {
          kind: 'oauth-client-credentials',
          tokenUrl: `${ministryUrl}/oauth/token`,
          clientId: 'jiangsu',
          clientSecret: 'ministry-secret',
        },
        timeoutMs: 2000,
        cacheTtlSeconds: 0,
        requestMapping: '{ "gmsfhm": idNumber }',
        responseMapping: '{ "photoOnFile": data.zpbz = "1" }',
        inputSchema: {
          type: 'object',
          required: ['idNumber'],
          properties: { idNumber: { type: 'string', pattern: '^[0-9]{17}[0-9X]$' } },
          additionalProperties: false,
        },
      },
      { ...INTERNAL, 'x-caller': 'ops-li' },
    );
    expect(upstream.status).toBe(201);

    // 3. An integrator composes it with the licence lookup (both steps in parallel) and publishes it after a dry-run.
    const composite = {
      code: COMPOSITE,
      name: '人像比对并查询证照',
      ownerDepartment: '省自然资源厅',
      timeoutMs: 6000,
      input: {
        type: 'object',
        required: ['idNumber'],
        additionalProperties: false,
        properties: { idNumber: { type: 'string', pattern: '^[0-9]{17}[0-9X]$' } },
      },
      steps: [
        { id: 'photo', capability: PHOTO, input: '{ "idNumber": input.idNumber }' },
        { id: 'licences', capability: 'e-licence.query-by-holder', input: '{ "holderType": "person", "holderId": input.idNumber }' },
      ],
      output: '{ "photoOnFile": steps.photo.photoOnFile, "licenceCount": $count(steps.licences.licences) }',
    };
    const dry = await post(`${dispatch.url}/internal/v1/composites/dry-run`, composite, INTERNAL);
    expect(dry.body).toMatchObject({ valid: true, plan: { stages: [['photo', 'licences']] } });
    expect((await post(`${dispatch.url}/internal/v1/composites`, composite, { ...INTERNAL, 'x-caller': 'integrator-wang' })).status).toBe(
      201,
    );

    // 4. An operator registers the legal basis these reads rest on; the app finds what it needs in
    // the catalogue and subscribes, naming that basis; before approval it is refused.
    const wanted = ['e-licence.query-by-holder', 'identity.verify-real-name', PHOTO, COMPOSITE, 'composite.citizen-licences'];
    const registered = await post(
      `${dispatch.url}/internal/v1/legal-bases`,
      {
        code: basis,
        law: '《不动产登记暂行条例》',
        article: '第二十二条（测试）',
        summary: '不动产登记机构核验申请人身份及证照',
        capabilities: wanted,
        dataOpened: '身份核验结果、人像比对结果、电子证照目录',
      },
      { ...INTERNAL, 'x-caller': 'ops-li' },
    );
    expect(registered.status).toBe(201);
    expect((await client.legalBases(PHOTO)).map((b) => b.code)).toEqual([basis]);
    const found = await client.capabilities('证照');
    expect(found.map((c) => c.code)).toContain('e-licence.query-by-holder');
    const asked = [];
    for (const code of wanted) asked.push(await client.subscribe(code, '不动产登记一件事：核验申请人及其证照', [basis]));
    expect(asked.every((s) => s.status === 'pending')).toBe(true);
    await expect(
      client.invoke('e-licence.query-by-holder', { holderType: 'person', holderId: DEMO_PERSON.idNumber }, why),
    ).rejects.toMatchObject({ code: 'GRANT_REQUIRED', status: 403 });

    // 5. Each capability's owner approves.
    for (const s of asked)
      expect(
        (await post(`${dispatch.url}/internal/v1/subscriptions/${s.id}/decision`, { decision: 'approve', reason: '依据充分' }, owner))
          .status,
      ).toBe(200);
    expect(
      (await client.subscriptions())
        .filter((s) => s.status === 'approved')
        .map((s) => s.capability)
        .sort(),
    ).toEqual([...wanted].sort());

    // 6. Sync and async calls.
    const sync = await client.invoke<{ licences: unknown[] }>(
      'e-licence.query-by-holder',
      { holderType: 'person', holderId: DEMO_PERSON.idNumber },
      why,
    );
    expect(sync.licences).toHaveLength(3);
    const accepted = await client.invokeAsync('identity.verify-real-name', { name: DEMO_PERSON.name, idNumber: DEMO_PERSON.idNumber }, why);
    const done = await eventually(async () => {
      const v = await client.call<{ match: boolean }>(accepted.callId);
      return v.status === 'succeeded' ? v : null;
    }, 20_000);
    expect(done.result).toMatchObject({ match: true, source: 'population-base' });

    // 7. The proxied ministry API and the two composites.
    expect(await client.invoke(PHOTO, { idNumber: DEMO_PERSON.idNumber }, why)).toEqual({ photoOnFile: true });
    expect(await client.invoke(COMPOSITE, { idNumber: DEMO_PERSON.idNumber }, why)).toEqual({ photoOnFile: true, licenceCount: 3 });
    const verified = await client.invoke<{ verified: boolean; licences: unknown[] }>(
      'composite.citizen-licences',
      { name: DEMO_PERSON.name, idNumber: DEMO_PERSON.idNumber },
      why,
    );
    expect(verified.verified).toBe(true);
    expect(verified.licences).toHaveLength(3);
    // A bad input to a composite is the caller's problem, typed.
    const bad = await client.invoke(COMPOSITE, { idNumber: 'nope' }, why).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DispatchError);
    expect((bad as DispatchError).code).toBe('INVALID_INPUT');

    // 8. Usage: every capability it called, steps of composites included, with the refusals counted apart.
    const usage = await client.usage();
    const of = (code: string) => usage.find((u) => u.capability === code);
    expect(of('e-licence.query-by-holder')).toMatchObject({ app: appKey, refused: 1 }); // the call before approval
    expect(of('e-licence.query-by-holder')!.calls).toBe(4); // refused, sync, and the steps of two composites
    expect(of('identity.verify-real-name')!.calls).toBe(3); // async submission, its run, a composite step
    expect(of(PHOTO)!.calls).toBe(2);
    expect(of(COMPOSITE)).toMatchObject({ calls: 2, refused: 1, errors: 0 });
    expect(of('composite.citizen-licences')).toMatchObject({ calls: 1, refused: 0 });
    expect((await client.usage({ capability: PHOTO })).map((u) => u.capability)).toEqual([PHOTO]);
    // And the hash-chained audit behind it holds.
    expect((await post(`${dispatch.url}/internal/v1/audit/verify`, {}, INTERNAL)).body).toMatchObject({ valid: true });
  });
});
