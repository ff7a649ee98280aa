import { createServer, type Server } from 'node:http';
import { generateSync } from 'otplib';
import { DataSource } from 'typeorm';
import { DEMO_PERSON, DEMO_STAFF, techCapabilitiesService } from '@gmp/feature-tech';
import { canSeeRecord } from '@gmp/identity';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { api, OidcFlows } from './oidc-flows.js';
import { freePort } from './service-process.js';

/** Staff administration (departments, posts, roles, accounts) and audit through the shared guard, on real PostgreSQL. */
describe('identity: staff administration and audit (三员分立)', () => {
  let tech: RunningService;
  let flows: OidcFlows;
  let adminToken: string;
  let auditorToken: string;
  let operatorToken: string;
  /** A face-match provider on loopback speaking the hook's protocol: evidence "live:<name>" matches that name. */
  let faceProvider: Server;
  const faceRequests: { idNumber: string; name: string; evidence: string }[] = [];
  const admin = (path: string, init?: Parameters<typeof api>[2]) => api(`${tech.url}/v1/identity/admin/${path}`, adminToken, init);
  const departmentId = async (name: string) =>
    (await tech.app.get(DataSource).query(`SELECT id, path FROM "${tech.definition.schema}".department WHERE name = $1`, [name]))[0] as {
      id: string;
      path: string;
    };
  /** A TOTP code not about to expire: near the end of a 30-s step, wait for the next one (the provider accepts the current step only). */
  const totp = async (secret: string) => {
    const into = (Date.now() / 1000) % 30;
    if (into > 26) await new Promise((r) => setTimeout(r, (30 - into) * 1000 + 200));
    return generateSync({ secret });
  };
  const provision = (body: unknown) =>
    fetch(`${tech.url}/internal/v1/staff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': TEST_INTERNAL_API_TOKEN },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  beforeAll(async () => {
    faceProvider = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { idNumber: string; name: string; evidence: string };
        faceRequests.push(body);
        if (body.evidence === 'provider-fails') return void res.writeHead(500).end();
        const matched = body.evidence === `live:${body.name}`;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ matched, score: matched ? 0.97 : 0.12 }));
      });
    });
    const facePort = await freePort();
    await new Promise<void>((r) => faceProvider.listen(facePort, '127.0.0.1', r));
    const port = await freePort();
    tech = await startService(
      inOwnSchema(techCapabilitiesService),
      integrationEnv({ PORT: String(port), FACE_MATCH_URL: `http://127.0.0.1:${facePort}/match` }),
    );
    flows = new OidcFlows(`http://127.0.0.1:${port}/oidc`);
    const a = DEMO_STAFF.identityAdmin;
    adminToken = (await flows.signIn({ username: a.username, password: a.password, otp: await totp(a.totpSecret) })).token!;
    const s = DEMO_STAFF.securityAuditor;
    auditorToken = (await flows.signIn({ username: s.username, password: s.password, otp: await totp(s.totpSecret) })).token!;
    operatorToken = (await flows.signIn({ username: DEMO_STAFF.operator.username.toUpperCase(), password: DEMO_STAFF.operator.password }))
      .token!;
    expect([adminToken, auditorToken, operatorToken].every(Boolean)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await tech?.close();
    faceProvider?.close();
  });

  it('lets only identity admins administer: operators, auditors, citizens and anonymous callers are refused', async () => {
    expect((await admin('roles')).status).toBe(200);
    const citizen = (await flows.signIn({ username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password })).token!;
    for (const token of [operatorToken, auditorToken, citizen]) {
      const r = await api(`${tech.url}/v1/identity/admin/roles`, token);
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('PERMISSION_DENIED');
    }
    expect((await api(`${tech.url}/v1/identity/admin/roles`, null)).status).toBe(401);
    expect((await api(`${tech.url}/v1/identity/admin/roles`, `${adminToken.slice(0, -3)}AAA`)).body.code).toBe('TOKEN_BAD_SIGNATURE');
  });

  it('builds the tree, a post, a custom-scope role and an account whose token carries the combined data scope', async () => {
    const suzhou = await departmentId('苏州市');
    const gusu = await admin('departments', { body: { name: '姑苏区', level: 'county', parentId: suzhou.id } });
    expect(gusu.status).toBe(201);
    expect(gusu.body.path).toBe(`${suzhou.path}${gusu.body.id}/`);
    const post = await admin('posts', { body: { departmentId: gusu.body.id, code: 'inspector', name: '监督检查岗' } });
    expect(post.status).toBe(201);
    const role = await admin('roles/sz-inspector', {
      method: 'PUT',
      body: { name: '苏州数据查阅', permissions: ['data:read'], dataScope: 'custom', customDepartmentIds: [suzhou.id] },
    });
    expect(role.status).toBe(200);
    const xuanwu = await departmentId('玄武区');
    const created = await admin('staff', {
      body: {
        username: 'XW.Inspector',
        name: '玄武区督查员',
        password: 'Inspector-Pass-1',
        departmentId: xuanwu.id,
        roles: ['operator', 'sz-inspector'],
        postIds: [post.body.id],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'xw.inspector', secondFactor: false });
    expect(created.body.totpEnrolmentUri).toBeUndefined();

    // Case-insensitive sign-in; the token carries the broadest scope plus the custom departments.
    const signed = await flows.signIn({ username: 'Xw.Inspector', password: 'Inspector-Pass-1' });
    expect(signed.status).toBe(303);
    const p = signed.principal!;
    expect(p).toMatchObject({ dataScope: 'dept_and_below', roles: ['operator', 'sz-inspector'] });
    expect(p.permissions).toEqual(['case:handle', 'data:read']);
    expect(p.claims['custom_dept_paths']).toEqual([suzhou.path]);
    expect(canSeeRecord(p, { departmentPath: gusu.body.path })).toBe(true); // via the custom role
    expect(canSeeRecord(p, { departmentPath: (await departmentId('玄武区行政审批局')).path })).toBe(true); // below own
    expect(canSeeRecord(p, { departmentPath: (await departmentId('南京市')).path })).toBe(false);

    const list = await admin(`staff?departmentId=${xuanwu.id}`);
    expect(list.body.staff.map((s: { username: string }) => s.username)).toEqual(expect.arrayContaining(['xw-operator', 'xw.inspector']));
    expect(JSON.stringify(list.body)).not.toMatch(/password|totp_secret|totpSecret/i);
  });

  it('leaves privileged accounts to the platform operator, who gets the TOTP enrolment once; the code is needed at login', async () => {
    const province = await departmentId('江苏省');
    const body = {
      username: 'js-id-admin2',
      name: '第二身份管理员',
      password: 'Second-Admin-1',
      departmentId: province.id,
      roles: ['identity-admin'],
    };
    const byAdmin = await admin('staff', { body });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.code).toBe('PRIVILEGED_ROLE');
    const created = await provision(body);
    expect(created.status).toBe(201);
    const secret = new URL(created.body.totpEnrolmentUri).searchParams.get('secret')!;
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    expect((await flows.signIn({ username: 'js-id-admin2', password: 'Second-Admin-1' })).status).toBe(401);
    const signed = await flows.signIn({ username: 'js-id-admin2', password: 'Second-Admin-1', otp: await totp(secret) });
    expect(signed.status).toBe(303);
    expect(JSON.stringify((await admin('staff')).body)).not.toContain(secret);
    // Admins cannot touch a privileged account, and a forced logout ends its admin access at once.
    const id = signed.principal!.subject.replace('staff:', '');
    expect((await admin(`staff/${id}`, { method: 'PATCH', body: { enabled: false } })).body.code).toBe('PRIVILEGED_ROLE');
    expect((await admin(`staff/${id}/reset-password`, { body: { password: 'Another-Pass-12' } })).body.code).toBe('PRIVILEGED_ROLE');
    expect((await api(`${tech.url}/v1/identity/admin/roles`, signed.token)).status).toBe(200);
    expect((await admin(`accounts/staff:${id}/force-logout`, { method: 'POST' })).status).toBe(200);
    const after = await api(`${tech.url}/v1/identity/admin/roles`, signed.token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('TOKEN_REVOKED');
    // Separation of duties holds for the operator too.
    const both = await provision({ ...body, username: 'both-hats', roles: ['identity-admin', 'security-auditor'] });
    expect(both.body.code).toBe('SEPARATION_OF_DUTIES');
  });

  it('refuses bad input with clear answers and changes nothing', async () => {
    const province = await departmentId('江苏省');
    const cases: [string, Parameters<typeof api>[2], number, string][] = [
      [
        'roles/both-hats',
        { method: 'PUT', body: { name: '一人两岗', permissions: ['identity:admin', 'audit:read'], dataScope: 'all' } },
        422,
        'SEPARATION_OF_DUTIES',
      ],
      [
        'roles/root-role',
        { method: 'PUT', body: { name: 'x', permissions: ['root:everything'], dataScope: 'all' } },
        422,
        'UNKNOWN_PERMISSION',
      ],
      ['roles/Bad_Code', { method: 'PUT', body: { name: 'x', permissions: [], dataScope: 'all' } }, 400, 'INVALID_ROLE_CODE'],
      [
        'roles/operator',
        { method: 'PUT', body: { name: '业务经办人员', permissions: ['identity:admin'], dataScope: 'all' } },
        409,
        'BUILT_IN_ROLE',
      ],
      ['roles/empty-custom', { method: 'PUT', body: { name: 'x', permissions: [], dataScope: 'custom' } }, 422, 'CUSTOM_SCOPE_EMPTY'],
      [
        'staff',
        {
          body: {
            username: 'auditor-admin',
            name: 'x',
            password: 'Strong-Pass-12',
            departmentId: province.id,
            roles: ['identity-admin', 'security-auditor'],
          },
        },
        403,
        'PRIVILEGED_ROLE',
      ],
      [
        'staff',
        {
          body: { username: 'new-auditor', name: 'x', password: 'Strong-Pass-12', departmentId: province.id, roles: ['security-auditor'] },
        },
        403,
        'PRIVILEGED_ROLE',
      ],
      [
        'roles/identity-admin',
        { method: 'PUT', body: { name: '身份管理员', permissions: ['identity:admin'], dataScope: 'self' } },
        409,
        'SELF_CHANGE',
      ],
      [
        'staff',
        { body: { username: 'nobody', name: 'x', password: 'Strong-Pass-12', departmentId: province.id, roles: ['no-such-role'] } },
        422,
        'UNKNOWN_ROLE',
      ],
      [
        'staff',
        { body: { username: 'weak', name: 'x', password: 'password', departmentId: province.id, roles: ['operator'] } },
        400,
        'INVALID_INPUT',
      ],
      [
        'staff',
        { body: { username: DEMO_PERSON.idNumber, name: 'x', password: 'Strong-Pass-12', departmentId: province.id, roles: ['operator'] } },
        422,
        'INVALID_USERNAME',
      ],
      [
        'staff',
        { body: { username: 'XW-OPERATOR', name: 'x', password: 'Strong-Pass-12', departmentId: province.id, roles: ['operator'] } },
        409,
        'USERNAME_TAKEN',
      ],
      [
        'staff',
        {
          body: {
            username: 'ghost',
            name: 'x',
            password: 'Strong-Pass-12',
            departmentId: '00000000-0000-4000-8000-000000000000',
            roles: ['operator'],
          },
        },
        422,
        'UNKNOWN_DEPARTMENT',
      ],
      [
        'staff',
        {
          body: { username: 'extra', name: 'x', password: 'Strong-Pass-12', departmentId: province.id, roles: ['operator'], isRoot: true },
        },
        400,
        'INVALID_INPUT',
      ],
      ['staff', { raw: '{"username": "broken' }, 400, ''],
      ['departments', { body: { name: '某区', level: 'county', parentId: province.id } }, 422, 'INVALID_DEPARTMENT_LEVEL'],
      ['departments', { body: { name: '第二个省', level: 'city' } }, 422, 'INVALID_DEPARTMENT_LEVEL'],
      ['staff/not-a-uuid', { method: 'PATCH', body: { enabled: false } }, 400, ''],
      ['staff?departmentId=nope', {}, 400, ''],
    ];
    for (const [path, init, status, code] of cases) {
      const r = await admin(path, init);
      expect({ path, status: r.status, code: code ? r.body?.code : '' }).toEqual({ path, status, code });
      expect(r.body?.detail ?? r.body?.title ?? '').not.toMatch(/at \w+ \(|SELECT|INSERT/);
    }
    const me = (await admin('staff')).body.staff.find((s: { username: string }) => s.username === DEMO_STAFF.identityAdmin.username);
    expect((await admin(`staff/${me.id}`, { method: 'PATCH', body: { enabled: false } })).body.code).toBe('SELF_CHANGE');
    expect((await admin(`staff/${me.id.toUpperCase()}`, { method: 'PATCH', body: { roles: ['operator'] } })).body.code).toBe('SELF_CHANGE');
    expect((await admin(`staff/${me.id}`, { method: 'PATCH', body: { departmentId: (await departmentId('苏州市')).id } })).body.code).toBe(
      'SELF_CHANGE',
    );
    expect((await admin('roles')).body.roles.map((r: { code: string }) => r.code)).not.toContain('both-hats');
  });

  it('disabling an account ends its sessions at once and its login then fails like a wrong password', async () => {
    const signed = await flows.signIn({ username: DEMO_STAFF.operator.username, password: DEMO_STAFF.operator.password });
    expect(signed.status).toBe(303);
    const id = signed.principal!.subject.replace('staff:', '');
    expect((await admin(`accounts/staff:${id}/sessions`)).body.sessions.length).toBeGreaterThanOrEqual(1);
    const disabled = await admin(`staff/${id}`, { method: 'PATCH', body: { enabled: false } });
    expect(disabled.status).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    expect((await admin(`accounts/staff:${id}/sessions`)).body.sessions).toEqual([]);
    const refused = await flows.signIn({ username: DEMO_STAFF.operator.username, password: DEMO_STAFF.operator.password });
    expect(refused.status).toBe(401);
    expect((await admin(`staff/${id}`, { method: 'PATCH', body: { enabled: true } })).status).toBe(200);
    expect((await flows.signIn({ username: DEMO_STAFF.operator.username, password: DEMO_STAFF.operator.password })).status).toBe(303);
  });

  it('accepts a TOTP code only once', async () => {
    const province = await departmentId('江苏省');
    const created = await provision({
      username: 'js-auditor2',
      name: '第二审计员',
      password: 'Second-Auditor-1',
      departmentId: province.id,
      roles: ['security-auditor'],
    });
    const code = await totp(new URL(created.body.totpEnrolmentUri).searchParams.get('secret')!);
    expect((await flows.signIn({ username: 'js-auditor2', password: 'Second-Auditor-1', otp: code })).status).toBe(303);
    const replay = await flows.signIn({ username: 'js-auditor2', password: 'Second-Auditor-1', otp: code });
    expect(replay.status).toBe(401);
  });

  it('logs refusals of a body or a path parameter as operations too (checked before the handler runs)', async () => {
    const malformed = await admin('staff', { method: 'POST', body: { username: 'x', isRoot: true } });
    expect(malformed.status).toBe(400);
    expect((await admin('roles/Bad Code!', { method: 'PUT', body: { name: '坏', permissions: [], dataScope: 'self' } })).status).toBe(400);
    expect((await admin('staff/not-a-uuid/reset-password', { method: 'POST', body: { password: 'Whatever-Strong-1' } })).status).toBe(400);
    const ops = await api(`${tech.url}/v1/identity/audit/operations?limit=200`, auditorToken);
    const refused = ops.body.operations
      .filter((o: { outcome: string }) => o.outcome === 'REFUSED')
      .map((o: { action: string; detail: string | null; target: string | null }) => `${o.action}|${o.target}|${o.detail?.split(':')[0]}`);
    expect(refused).toEqual(
      expect.arrayContaining([
        'staff.create|null|INVALID_INPUT',
        'role.save|bad code!|INVALID_ROLE_CODE',
        'staff.reset-password|not-a-uuid|INVALID_INPUT',
      ]),
    );
  });

  it('shows security auditors the operation and login logs, refused changes included; admins cannot read them', async () => {
    const ops = await api(`${tech.url}/v1/identity/audit/operations?limit=200`, auditorToken);
    expect(ops.status).toBe(200);
    const seen = ops.body.operations.map((o: { action: string; outcome: string; detail: string | null }) => `${o.action}:${o.outcome}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'department.create:SUCCEEDED',
        'role.save:SUCCEEDED',
        'role.save:REFUSED',
        'staff.create:REFUSED',
        'staff.update:SUCCEEDED',
        'post.create:SUCCEEDED',
      ]),
    );
    expect(ops.body.operations.find((o: { detail: string | null }) => o.detail?.startsWith('SEPARATION_OF_DUTIES'))).toBeTruthy();
    expect(ops.body.operations.every((o: { operator: string }) => o.operator.startsWith('staff:'))).toBe(true);
    const logins = await api(`${tech.url}/v1/identity/audit/logins?limit=500`, auditorToken);
    expect(logins.body.events.map((e: { event: string }) => e.event)).toEqual(
      expect.arrayContaining(['LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'FORCED_LOGOUT']),
    );
    expect((await api(`${tech.url}/v1/identity/audit/operations`, adminToken)).status).toBe(403);
    expect((await api(`${tech.url}/v1/identity/audit/logins?limit=100000`, auditorToken)).status).toBe(400);
  });

  it('raises a citizen login to level 4 when the face-match provider confirms the person (hook)', async () => {
    const citizen = { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password };
    const face = await flows.signIn({ ...citizen, face_evidence: `live:${DEMO_PERSON.name}` });
    expect(face.status).toBe(303);
    expect(face.principal!.assurance).toBe(4);
    expect(face.principal!.claims['acr']).toBe('urn:gov-mp:loa:4');
    expect(faceRequests.at(-1)).toEqual({ idNumber: DEMO_PERSON.idNumber, name: DEMO_PERSON.name, evidence: `live:${DEMO_PERSON.name}` });
    expect((await flows.signIn(citizen)).principal!.assurance).toBe(3); // a password alone: 3
    const wrong = await flows.signIn({ ...citizen, face_evidence: 'live:somebody-else' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('人脸核验未通过');
    const down = await flows.signIn({ ...citizen, face_evidence: 'provider-fails' });
    expect(down.status).toBe(503);
    // Staff cannot use the citizen's face hook.
    expect(
      (await flows.signIn({ username: DEMO_STAFF.operator.username, password: DEMO_STAFF.operator.password, face_evidence: 'x' })).status,
    ).toBe(400);
    const events = await tech.app
      .get(DataSource)
      .query(`SELECT event, count(*)::int AS n FROM "${tech.definition.schema}".identity_audit WHERE event LIKE 'FACE_%' GROUP BY event`);
    expect(Object.fromEntries(events.map((r: { event: string; n: number }) => [r.event, r.n]))).toEqual({
      FACE_MATCH_SUCCEEDED: 1,
      FACE_MATCH_FAILED: 2,
    });
  });

  it('answers an unknown account exactly like a real one, lock-out included', async () => {
    const attempt = (username: string) => flows.signIn({ username, password: 'wrong-password' });
    const real: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) real.push((await attempt('js-id-admin2')).status);
    for (let i = 0; i < 6; i++) unknown.push((await attempt('no-such-official')).status);
    expect(unknown).toEqual(real);
    expect(real).toEqual([401, 401, 401, 401, 423, 423]);
    const text = (await attempt('no-such-official')).text;
    expect(text).toContain('账户已锁定');
  });

  it('brakes one address after 30 failed logins in 15 minutes (429 with Retry-After), for every account name', async () => {
    let last = { status: 0, retryAfter: null as string | null, text: '' };
    // 13 failures already come from the tests above; the 30th failure trips the brake.
    for (let i = 0; i < 40 && last.status !== 429; i++) last = await flows.signIn({ username: `guess-${i}`, password: 'x' });
    expect(last.status).toBe(429);
    expect(Number(last.retryAfter)).toBeGreaterThan(0);
    expect(last.text).toContain('登录失败次数过多');
    // Even the right password is refused from this address until the window passes.
    expect((await flows.signIn({ username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password })).status).toBe(429);
    const events = await tech.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM "${tech.definition.schema}".identity_audit WHERE event = 'LOGIN_THROTTLED'`);
    expect(events[0].n).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
