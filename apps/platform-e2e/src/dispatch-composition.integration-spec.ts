import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { dataPlatformService } from '@gmp/feature-data';
import { DEMO_PERSON, techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv } from '@gmp/testing';
import { getJson, INTERNAL, post, registerGrantedApp } from './dispatch-client.js';

const EXAMPLE = readFileSync('libs/feature-dispatch/src/lib/composition/examples/citizen-licences.composite.yaml', 'utf8');
const PUBLISHER = { ...INTERNAL, 'x-caller': 'integrator-wang' };

/** Composite capabilities: declared (YAML or JSON), dry-run, published, called like any capability — over real Kafka, PostgreSQL and Redis. */
describe('dispatch: composite capabilities', () => {
  let tech: RunningService;
  let data: RunningService;
  let dispatch: RunningService;
  let upstream: Server;
  let base: string;
  const seen: { path: string; start: number; end: number }[] = [];
  const run = randomBytes(3).toString('hex');
  const CODE = `composite.e2e-${run}.citizen-licences`;
  const MINE = EXAMPLE.replace('code: composite.citizen-licences', `code: ${CODE}`);

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const start = Date.now();
      req.resume().on('end', () => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const send = (status: number, body: unknown) => {
          seen.push({ path, start, end: Date.now() });
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (path === '/slow-a') return void setTimeout(() => send(200, { a: 'A' }), 600);
        if (path === '/slow-b') return void setTimeout(() => send(200, { b: 'B' }), 600);
        return send(500, { error: 'broken' });
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
    data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ PROXY_ALLOW_PRIVATE: 'true' }));
    for (const name of ['slow-a', 'slow-b', 'broken']) {
      const registered = await post(
        `${dispatch.url}/internal/v1/upstreams`,
        {
          code: `proxy.e2e-${run}.${name}`,
          name,
          ownerDepartment: '测试',
          baseUrl: base,
          path: `/${name}`,
          method: 'GET',
          auth: { kind: 'none' },
          timeoutMs: 2000,
          cacheTtlSeconds: 0,
          inputSchema: { type: 'object', properties: { q: { type: 'string' } }, additionalProperties: false },
        },
        { ...INTERNAL, 'x-caller': 'ops-li' },
      );
      if (registered.status !== 201) throw new Error(JSON.stringify(registered.body));
    }
  }, 180_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
    await data?.close();
    await new Promise((r) => upstream?.close(r));
  });

  const publish = (definition: unknown, headers: Record<string, string> = {}) =>
    post(`${dispatch.url}/internal/v1/composites`, definition, {
      ...PUBLISHER,
      ...(typeof definition === 'string' ? { 'content-type': 'application/yaml' } : {}),
      ...headers,
    });
  const dryRun = (definition: unknown) =>
    post(`${dispatch.url}/internal/v1/composites/dry-run`, definition, {
      ...INTERNAL,
      ...(typeof definition === 'string' ? { 'content-type': 'application/yaml' } : {}),
    });

  it('publishes the shipped example from YAML and answers "verify a citizen and fetch their licences" in one call, each step audited', async () => {
    // SEED_DEMO published the example itself; this test publishes it again under a code of its own.
    expect((await getJson(`${dispatch.url}/v1/capabilities/composite.citizen-licences`)).body.versions[0]).toMatchObject({
      provider: 'composite:demo-seed',
    });
    const checked = await dryRun(MINE);
    expect(checked).toMatchObject({ status: 200, body: { valid: true, problems: [], plan: { stages: [['verify'], ['licences']] } } });
    const published = await publish(MINE);
    expect(published).toMatchObject({ status: 201, body: { code: CODE, version: '1', status: 'active' } });
    // Listed in the registry like any capability, with its schemas.
    const listed = await getJson(`${dispatch.url}/v1/capabilities/${CODE}`);
    expect(listed.body.versions[0]).toMatchObject({
      code: CODE,
      provider: 'composite:integrator-wang',
      inputSchema: { required: ['name', 'idNumber'] },
    });
    expect((await getJson(`${dispatch.url}/internal/v1/composites/${CODE}`, INTERNAL)).body.versions[0].source).toBe(MINE);

    // The licence lookup needs a legal basis: one registered for the composite and both its steps, granted to the app.
    const basis = `e2e.composite-${run}`;
    const steps = [CODE, 'identity.verify-real-name', 'e-licence.query-by-holder'];
    expect(
      (
        await post(
          `${dispatch.url}/internal/v1/legal-bases`,
          { code: basis, law: '《测试条例》', article: '第二条', summary: '组合能力测试依据', capabilities: steps, dataOpened: '证照目录' },
          { ...INTERNAL, 'x-caller': 'ops-e2e' },
        )
      ).status,
    ).toBe(201);
    const { appKey, auth } = await registerGrantedApp(dispatch.url, `e2e-comp-${run}`, steps, { legalBases: [basis] });
    const call = (input: unknown, headers: Record<string, string> = {}) =>
      post(`${dispatch.url}/v1/capabilities/${CODE}/invoke`, input, {
        ...auth,
        'x-purpose': 'composite-e2e',
        'x-legal-basis': basis,
        ...headers,
      });

    const found = await call({ name: DEMO_PERSON.name, idNumber: DEMO_PERSON.idNumber }, { 'x-correlation-id': `comp-${run}` });
    expect(found.status).toBe(200);
    expect(found.body.verified).toBe(true);
    expect(found.body.licences).toHaveLength(3);
    expect(found.body.licences[0]).toEqual(
      expect.objectContaining({ licenceId: expect.any(String), typeName: expect.any(String), status: expect.any(String) }),
    );
    expect(found.body.licences[0].holderName).toBeUndefined(); // the output mapping chose the fields

    // A name that does not match: the lookup is skipped (when), the fallback gives no licences.
    const mismatch = await call({ name: '李四', idNumber: DEMO_PERSON.idNumber });
    expect(mismatch).toMatchObject({ status: 200, body: { verified: false, reason: 'NAME_MISMATCH', licences: [] } });
    // The composite's own input schema, before any step.
    const bad = await call({ name: DEMO_PERSON.name });
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(bad.body.errors)).toContain('idNumber');

    // Each step is an audited call of the app, with its purpose and the request's correlation id.
    const audit = await getJson(`${dispatch.url}/internal/v1/audit/calls?app=${appKey}&limit=50`, INTERNAL);
    const ofFirst = audit.body.calls.filter((c: { correlationId: string }) => c.correlationId === `comp-${run}`);
    expect(ofFirst.map((c: { capability: string; operation: string }) => `${c.operation}:${c.capability}`).sort()).toEqual([
      'composite-step:e-licence.query-by-holder',
      'composite-step:identity.verify-real-name',
      `invoke:${CODE}`,
    ]);
    expect(ofFirst.every((c: { purpose: string; status: number }) => c.purpose === 'composite-e2e' && c.status === 200)).toBe(true);
    expect((await post(`${dispatch.url}/internal/v1/audit/verify`, {}, INTERNAL)).body.valid).toBe(true);

    // Usage shows the composite and its steps.
    const usage = await getJson(`${dispatch.url}/v1/usage`, auth);
    expect(usage.body.usage.map((u: { capability: string }) => u.capability)).toEqual(
      expect.arrayContaining([CODE, 'identity.verify-real-name', 'e-licence.query-by-holder']),
    );

    // Async too: 202, then the composite's answer by id.
    const accepted = await post(
      `${dispatch.url}/v1/capabilities/${CODE}/invoke-async`,
      { name: DEMO_PERSON.name, idNumber: DEMO_PERSON.idNumber },
      { ...auth, 'x-legal-basis': basis },
    );
    expect(accepted.status).toBe(202);
    const done = await eventually(async () => {
      const v = await getJson(`${dispatch.url}${accepted.body.resultUrl}`, auth);
      return v.body.status === 'succeeded' ? v.body : null;
    }, 20_000);
    expect(done.result.licences).toHaveLength(3);
  });

  it('adds no rights: an app granted only the composite is refused at the step it may not call', async () => {
    const { auth } = await registerGrantedApp(dispatch.url, `e2e-comp-only-${run}`, CODE);
    const refused = await post(
      `${dispatch.url}/v1/capabilities/${CODE}/invoke`,
      { name: DEMO_PERSON.name, idNumber: DEMO_PERSON.idNumber },
      auth,
    );
    // Checked for every step before any step runs.
    expect(refused).toMatchObject({ status: 403, body: { code: 'GRANT_REQUIRED', stepCapability: 'identity.verify-real-name' } });
    // Nor can an app without the composite's grant call it.
    const other = await registerGrantedApp(dispatch.url, `e2e-comp-none-${run}`, 'identity.verify-real-name');
    expect(
      (await post(`${dispatch.url}/v1/capabilities/${CODE}/invoke`, { name: 'x', idNumber: DEMO_PERSON.idNumber }, other.auth)).body.code,
    ).toBe('GRANT_REQUIRED');
  });

  it('runs independent steps in parallel, keeps each step to its time limit and applies its failure policy', async () => {
    const p = (name: string) => `proxy.e2e-${run}.${name}`;
    const def = (code: string, steps: unknown[], over: Record<string, unknown> = {}) => ({
      code,
      name: code,
      ownerDepartment: '测试',
      input: { type: 'object' },
      steps,
      ...over,
    });
    const composites = {
      parallel: def(
        `composite.e2e-${run}.parallel`,
        [
          { id: 'a', capability: p('slow-a') },
          { id: 'b', capability: p('slow-b') },
        ],
        { output: '{ "a": steps.a.a, "b": steps.b.b }' },
      ),
      sequential: def(
        `composite.e2e-${run}.sequential`,
        [
          { id: 'a', capability: p('slow-a') },
          { id: 'b', capability: p('slow-b'), needs: ['a'] },
        ],
        { timeoutMs: 900 },
      ),
      stepTimeout: def(`composite.e2e-${run}.step-timeout`, [{ id: 'a', capability: p('slow-a'), timeoutMs: 200 }]),
      failing: def(`composite.e2e-${run}.failing`, [
        { id: 'a', capability: p('slow-a') },
        { id: 'x', capability: p('broken') },
      ]),
      runaway: def(`composite.e2e-${run}.runaway`, [
        { id: 'a', capability: p('slow-a'), input: '($f := function($n) { $f($n + 1) }; $f(0))' },
      ]),
      evaluating: def(`composite.e2e-${run}.evaluating`, [{ id: 'a', capability: p('slow-a'), input: '$eval(input.q)' }]),
      tolerant: def(`composite.e2e-${run}.tolerant`, [
        { id: 'a', capability: p('slow-a') },
        { id: 'x', capability: p('broken'), onFailure: 'continue' },
        { id: 'y', capability: p('broken'), onFailure: 'fallback', fallback: { note: '暂无' } },
      ]),
    };
    for (const c of Object.values(composites)) expect((await publish(c)).status).toBe(201);
    const { auth } = await registerGrantedApp(dispatch.url, `e2e-comp-par-${run}`, [
      ...Object.values(composites).map((c) => c.code),
      p('slow-a'),
      p('slow-b'),
      p('broken'),
    ]);
    const call = (c: { code: string }) => post(`${dispatch.url}/v1/capabilities/${c.code}/invoke`, {}, auth);

    const parallel = await call(composites.parallel);
    expect(parallel).toMatchObject({ status: 200, body: { a: 'A', b: 'B' } });
    const [a, b] = [seen.at(-2)!, seen.at(-1)!];
    expect(a.start < b.end && b.start < a.end).toBe(true); // the upstream had both requests at once
    expect(parallel.ms).toBeLessThan(1150); // two 600 ms steps, not 1,200 ms in a row

    expect(await call(composites.sequential)).toMatchObject({ status: 504, body: { code: 'COMPOSITE_TIMEOUT' } });
    expect(await call(composites.stepTimeout)).toMatchObject({
      status: 504,
      body: { code: 'COMPOSITE_STEP_FAILED', step: 'a', cause: { code: 'UPSTREAM_TIMEOUT' } },
    });
    const failing = await call(composites.failing);
    expect(failing).toMatchObject({
      status: 502,
      body: { code: 'COMPOSITE_STEP_FAILED', step: 'x', stepCapability: p('broken'), cause: { status: 502, code: 'UPSTREAM_ERROR' } },
    });
    expect(failing.body.detail).toContain('x (');
    // The failed step and the composite's answer are both in the audit.
    const audit = (await getJson(`${dispatch.url}/internal/v1/audit/calls?app=e2e-comp-par-${run}&limit=100`, INTERNAL)).body.calls as {
      capability: string;
      operation: string;
      status: number;
      code: string | null;
      correlationId: string;
    }[];
    const step = audit.find((c) => c.operation === 'composite-step' && c.capability === p('broken'));
    expect(step).toMatchObject({ status: 502, code: 'UPSTREAM_ERROR' });
    expect(audit.find((c) => c.operation === 'invoke' && c.correlationId === step!.correlationId)).toMatchObject({
      capability: composites.failing.code,
      status: 502,
      code: 'COMPOSITE_STEP_FAILED',
    });
    // Expressions run under limits: a runaway recursion is stopped, $eval is not available — a 502, and dispatch keeps answering.
    expect(await call(composites.runaway)).toMatchObject({
      status: 502,
      body: { code: 'COMPOSITE_STEP_FAILED', cause: { code: 'MAPPING_FAILED' } },
    });
    const evaluated = await post(`${dispatch.url}/v1/capabilities/${composites.evaluating.code}/invoke`, { q: '$string(1)' }, auth);
    expect(evaluated).toMatchObject({ status: 502, body: { code: 'COMPOSITE_STEP_FAILED', cause: { code: 'MAPPING_FAILED' } } });
    expect(await call(composites.tolerant)).toMatchObject({ status: 200, body: { a: { a: 'A' }, x: null, y: { note: '暂无' } } });
    // Dispatch kept serving: the failures were answers, not crashes.
    expect((await getJson(`${dispatch.url}/health/ready`)).status).toBe(200);
  });

  it('dry-run reports unknown capabilities, schema mismatches and cycles without calling anything; publication refuses them', async () => {
    const before = seen.length;
    const broken = {
      code: `composite.e2e-${run}.broken`,
      name: '有问题的组合',
      ownerDepartment: '测试',
      input: { type: 'object', properties: { idNumber: { type: 'string' } } },
      steps: [
        {
          id: 'verify',
          capability: 'identity.verify-real-name',
          input: '{ "name": steps.licences.licences.holderName, "idNumber": input.idNumber }',
        },
        { id: 'licences', capability: 'e-licence.query-by-holder', input: '{ "holderType": "person", "holderId": steps.verify.match }' },
        { id: 'ghost', capability: 'identity.does-not-exist' },
        { id: 'slow', capability: `proxy.e2e-${run}.slow-a` },
      ],
    };
    const report = await dryRun(broken);
    expect(report.status).toBe(200);
    expect(report.body.valid).toBe(false);
    const found = report.body.problems.map((p: { code: string; path: string }) => `${p.code}@${p.path}`);
    expect(found).toEqual(
      expect.arrayContaining(['CYCLE@steps', 'UNKNOWN_CAPABILITY@steps[2].capability', 'TYPE_MISMATCH@steps[1].input']),
    );
    expect(seen.length).toBe(before); // nothing was called

    const refused = await publish(broken);
    expect(refused).toMatchObject({ status: 422, body: { code: 'COMPOSITE_INVALID' } });
    expect(refused.body.problems.length).toBe(report.body.problems.length);
    expect((await getJson(`${dispatch.url}/v1/capabilities/${broken.code}`)).status).toBe(404);
  });

  it('answers bad definitions, taken codes and unknown versions with clear problems', async () => {
    expect(
      await post(`${dispatch.url}/internal/v1/composites`, 'code: [unclosed', { ...PUBLISHER, 'content-type': 'application/yaml' }),
    ).toMatchObject({ status: 400, body: { code: 'INVALID_YAML' } });
    expect(await publish('- just\n- a list\n')).toMatchObject({
      status: 422,
      body: { code: 'COMPOSITE_INVALID', problems: [{ code: 'INVALID_DEFINITION' }] },
    });
    expect(await publish({ code: 'x' })).toMatchObject({ status: 422, body: { code: 'COMPOSITE_INVALID' } });
    expect(
      (await post(`${dispatch.url}/internal/v1/composites`, EXAMPLE, { ...INTERNAL, 'content-type': 'application/yaml' })).body.code,
    ).toBe('CALLER_REQUIRED');
    expect(
      (await post(`${dispatch.url}/internal/v1/composites`, EXAMPLE, { 'content-type': 'application/yaml', authorization: '' })).status,
    ).toBe(401);
    // The same version again; a catalogue capability's code.
    expect(await publish(EXAMPLE)).toMatchObject({ status: 409, body: { code: 'COMPOSITE_EXISTS' } });
    const taken = EXAMPLE.replace('code: composite.citizen-licences', 'code: identity.verify-real-name');
    expect(await publish(taken)).toMatchObject({ status: 409, body: { code: 'CAPABILITY_CODE_TAKEN' } });
    // An upstream cannot take a composite's code either.
    const upstreamOverComposite = await post(
      `${dispatch.url}/internal/v1/upstreams`,
      {
        code: 'composite.citizen-licences',
        name: 'x',
        ownerDepartment: 'x',
        baseUrl: base,
        path: '/slow-a',
        method: 'GET',
        auth: { kind: 'none' },
        timeoutMs: 1000,
        cacheTtlSeconds: 0,
        inputSchema: { type: 'object' },
      },
      { ...INTERNAL, 'x-caller': 'ops-li' },
    );
    expect(upstreamOverComposite).toMatchObject({ status: 409, body: { code: 'CAPABILITY_CODE_TAKEN' } });
    // Version 2 published beside 1; an unknown version is named.
    expect((await publish(EXAMPLE.replace('version: "1"', 'version: "2"'))).status).toBe(201);
    const { auth } = await registerGrantedApp(dispatch.url, `e2e-comp-v-${run}`, 'composite.citizen-licences');
    expect(
      (
        await post(
          `${dispatch.url}/v1/capabilities/composite.citizen-licences/invoke`,
          { name: 'x', idNumber: DEMO_PERSON.idNumber },
          { ...auth, 'x-capability-version': '7' },
        )
      ).body.code,
    ).toBe('CAPABILITY_VERSION_NOT_FOUND');
    expect(
      (await getJson(`${dispatch.url}/internal/v1/composites/composite.citizen-licences`, INTERNAL)).body.versions.map(
        (v: { version: string }) => v.version,
      ),
    ).toEqual(['2', '1']);
    expect((await getJson(`${dispatch.url}/internal/v1/composites/composite.nothing-here`, INTERNAL)).status).toBe(404);
  });
});
