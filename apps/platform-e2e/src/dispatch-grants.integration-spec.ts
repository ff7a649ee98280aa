import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';
import { getJson, INTERNAL, post } from './dispatch-client.js';

const LICENCE = '1.2.156.3005.2.11100000000013338W041.91320100MA1XK2Q84P.1.001.0';

/** Apps, subscriptions and grants through dispatch: register, subscribe, owner approves, call; reject and revoke. */
describe('dispatch: apps, subscriptions and grants', () => {
  let tech: RunningService;
  let dispatch: RunningService;
  const internal = INTERNAL;
  const get = (path: string, headers: Record<string, string>) => getJson(`${dispatch.url}${path}`, headers);

  beforeAll(async () => {
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv());
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv());
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
  });

  it('refuses calls until the owner approves the app’s subscription, and again once it is revoked', async () => {
    const registered = await post(
      `${dispatch.url}/internal/v1/apps`,
      { appKey: 'e2e-grants-app', name: '某市一件事平台', ownerDepartment: '某市政务服务管理办公室' },
      internal,
    );
    expect(registered.status).toBe(201);
    const auth = { authorization: `Basic ${Buffer.from(`e2e-grants-app:${registered.body.appSecret}`).toString('base64')}` };
    const call = () => post(`${dispatch.url}/v1/capabilities/e-licence.verify/invoke`, { licenceId: LICENCE }, auth);

    const before = await call();
    expect(before.status).toBe(403);
    expect(before.body.code).toBe('GRANT_REQUIRED');

    const asked = await post(
      `${dispatch.url}/v1/subscriptions`,
      { capability: 'e-licence.verify', purpose: '核验申请人提交的营业执照' },
      auth,
    );
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ app: 'e2e-grants-app', capability: 'e-licence.verify', status: 'pending' });
    expect((await call()).body.code).toBe('GRANT_REQUIRED');
    expect((await post(`${dispatch.url}/v1/subscriptions`, { capability: 'e-licence.verify', purpose: '再次申请' }, auth)).status).toBe(
      409,
    );

    const pending = await get('/internal/v1/subscriptions?status=pending&app=e2e-grants-app', internal);
    expect(pending.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([asked.body.id]);
    const approved = await post(
      `${dispatch.url}/internal/v1/subscriptions/${asked.body.id}/decision`,
      { decision: 'approve', reason: '用途合法' },
      { ...internal, 'x-caller': 'owner-zhang' },
    );
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'owner-zhang', reason: '用途合法' });

    const after = await call();
    expect(after.status).toBe(404); // reaches the provider: that licence does not exist
    expect(after.body.code).not.toBe('GRANT_REQUIRED');
    expect((await get('/v1/subscriptions', auth)).body.subscriptions).toEqual([
      expect.objectContaining({ capability: 'e-licence.verify', status: 'approved' }),
    ]);

    expect(
      (
        await post(
          `${dispatch.url}/internal/v1/subscriptions/${asked.body.id}/decision`,
          { decision: 'approve' },
          { ...internal, 'x-caller': 'owner-zhang' },
        )
      ).status,
    ).toBe(409);
    const revoked = await post(
      `${dispatch.url}/internal/v1/subscriptions/${asked.body.id}/decision`,
      { decision: 'revoke', reason: '项目结束' },
      { ...internal, 'x-caller': 'owner-zhang' },
    );
    expect(revoked.body.status).toBe('revoked');
    expect((await call()).body.code).toBe('GRANT_REQUIRED');
    // Asking again after a revocation is a new request.
    const again = await post(`${dispatch.url}/v1/subscriptions`, { capability: 'e-licence.verify', purpose: '新项目' }, auth);
    expect(again.status).toBe(201);
    const rejected = await post(
      `${dispatch.url}/internal/v1/subscriptions/${again.body.id}/decision`,
      { decision: 'reject', reason: '非必要' },
      { ...internal, 'x-caller': 'owner-li' },
    );
    expect(rejected.body.status).toBe('rejected');
    expect((await call()).body.code).toBe('GRANT_REQUIRED');
  });

  it('answers bad requests with clear 4xx problems', async () => {
    const registered = await post(
      `${dispatch.url}/internal/v1/apps`,
      { appKey: 'e2e-grants-bad', name: '测试', ownerDepartment: '测试' },
      internal,
    );
    const auth = { authorization: `Basic ${Buffer.from(`e2e-grants-bad:${registered.body.appSecret}`).toString('base64')}` };
    const cases: [string, unknown, Record<string, string>, number, string][] = [
      ['/internal/v1/apps', { appKey: 'e2e-grants-bad', name: '重复', ownerDepartment: '测试' }, internal, 409, 'APP_EXISTS'],
      ['/internal/v1/apps', { appKey: 'oauth:sneaky', name: 'x', ownerDepartment: 'x' }, internal, 400, 'INVALID_INPUT'],
      ['/internal/v1/apps', { appKey: 'ok-app', name: 'x', ownerDepartment: 'x' }, { authorization: '' }, 401, 'UNAUTHENTICATED'],
      ['/v1/subscriptions', { capability: 'no.such-capability', purpose: '测试用途' }, auth, 404, 'CAPABILITY_NOT_FOUND'],
      ['/v1/subscriptions', { capability: 'e-licence.get' }, auth, 400, 'INVALID_INPUT'],
      ['/v1/subscriptions', '{not json', auth, 400, ''],
      [
        '/v1/subscriptions',
        { capability: 'e-licence.get', purpose: '测试用途' },
        { authorization: 'Basic bm9ib2R5Om5vdGhpbmc=' },
        401,
        'UNAUTHENTICATED',
      ],
      [
        '/internal/v1/subscriptions/00000000-0000-4000-8000-000000000000/decision',
        { decision: 'approve' },
        { ...internal, 'x-caller': 'owner' },
        404,
        'SUBSCRIPTION_NOT_FOUND',
      ],
      ['/internal/v1/subscriptions/not-a-uuid/decision', { decision: 'approve' }, { ...internal, 'x-caller': 'owner' }, 400, ''],
      [
        '/internal/v1/subscriptions/00000000-0000-4000-8000-000000000000/decision',
        { decision: 'approve' },
        internal,
        400,
        'CALLER_REQUIRED',
      ],
      [
        '/internal/v1/subscriptions/00000000-0000-4000-8000-000000000000/decision',
        { decision: 'maybe' },
        { ...internal, 'x-caller': 'owner' },
        400,
        'INVALID_INPUT',
      ],
    ];
    for (const [path, body, headers, status, code] of cases) {
      const r = await post(`${dispatch.url}${path}`, body, headers);
      expect({ path, body, status: r.status }).toEqual({ path, body, status });
      if (code) expect(r.body.code).toBe(code);
    }
    expect((await get('/internal/v1/subscriptions?status=odd', internal)).status).toBe(400);
  });
});
