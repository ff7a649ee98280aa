import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { DEMO_PERSON, DEMO_PORTALS, techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, type ServiceDefinition, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { DispatchClient, DispatchError } from '@gmp/dispatch-client';
import { NotificationClient } from '@gmp/tech-client';
import { post } from './dispatch-client.js';
import { BrowserSession, pkcePair } from './browser-session.js';
import { api, OidcFlows } from './oidc-flows.js';
import { freePort } from './service-process.js';

/** Notifications (消息通知) through dispatch over Kafka, delivered from PostgreSQL to a real SMTP server and an HTTP SMS gateway. */
describe('notifications: SMS, e-mail and in-app from an outbox, with retries and delivery status', () => {
  let tech: RunningService;
  let dispatch: RunningService;
  let techDef: ServiceDefinition;
  let techEnv: Record<string, string>;
  let gateway: Server;
  let smtp: SMTPServer;
  /** What the SMS gateway received; `fail[to]` scripts its answers for a number (status codes, used in order). */
  const sms: { to: string; template: string; params: Record<string, string>; text: string; id: string }[] = [];
  const fail: Record<string, number[]> = {};
  const mails: { to: string; raw: string }[] = [];
  const send = (input: unknown) => post(`${dispatch.url}/v1/capabilities/notification.send/invoke`, input, { 'x-purpose': 'e2e-notify' });
  const status = async (id: string) => (await api(`${tech.url}/internal/v1/notifications/${id}`, null, {})).body;
  const internal = (id: string) =>
    fetch(`${tech.url}/internal/v1/notifications/${id}`, { headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN } }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as any,
    }));

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as (typeof sms)[number];
        const scripted = fail[body.to]?.shift();
        if (scripted) return void res.writeHead(scripted).end();
        sms.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: `gw-${sms.length}` }));
      });
    });
    const gwPort = await freePort();
    await new Promise<void>((r) => gateway.listen(gwPort, '127.0.0.1', r));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
          callback();
        });
      },
    });
    const smtpPort = await freePort();
    await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', r));
    const port = await freePort();
    techDef = inOwnSchema(techCapabilitiesService);
    techEnv = integrationEnv({
      PORT: String(port),
      NOTIFY_SMS_URL: `http://127.0.0.1:${gwPort}/sms`,
      NOTIFY_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      NOTIFY_RETRY_BASE_MS: '200',
      NOTIFY_MAX_ATTEMPTS: '4',
    });
    tech = await startService(techDef, techEnv);
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv({ OIDC_ISSUER: `http://127.0.0.1:${port}/oidc` }));
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
    gateway?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  const accepted = { matter: '个体工商户设立登记', caseNo: 'JS20261122000123', dueDate: '2026-11-27' };

  it('sends an SMS through dispatch: accepted at once, rendered from its template, then marked sent and its personal data erased', async () => {
    const r = await send({ channel: 'sms', to: '13800138000', template: 'case-accepted', params: accepted });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: expect.any(String), status: 'pending' });
    const done = await eventually(async () => {
      const s = (await internal(r.body.id)).body;
      return s.status === 'sent' ? s : null;
    });
    expect(done).toMatchObject({ channel: 'sms', recipient: '138****8000', template: 'case-accepted', attempts: 1, lastError: null });
    expect(sms.at(-1)).toMatchObject({ to: '13800138000', template: 'case-accepted', params: accepted, id: r.body.id });
    expect(sms.at(-1)!.text).toBe('您申请的“个体工商户设立登记”已受理，办件编号 JS20261122000123，承诺办结日期 2026-11-27。');
    const row = (
      await tech.app
        .get(DataSource)
        .query(`SELECT recipient_enc, params_enc, app, provider_message_id FROM "${techDef.schema}".notification WHERE id = $1`, [
          r.body.id,
        ])
    )[0];
    expect(row).toEqual({ recipient_enc: null, params_enc: null, app: 'demo-portal', provider_message_id: expect.stringMatching(/^gw-/) });
  });

  it('sends once per dedupKey: a retried request (even at once) answers the first notification; another key is another message', async () => {
    const before = sms.length;
    const body = { channel: 'sms', to: '13800138001', template: 'case-accepted', params: accepted, dedupKey: `e2e-dedup:${Date.now()}` };
    const [a, b] = await Promise.all([send(body), send(body)]);
    const c = await send(body);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(new Set([a.body.id, b.body.id, c.body.id]).size).toBe(1);
    const other = await send({ ...body, dedupKey: `${body.dedupKey}-2` });
    expect(other.body.id).not.toBe(a.body.id);
    await eventually(async () => ((await internal(other.body.id)).body.status === 'sent' ? true : null));
    await eventually(async () => ((await internal(a.body.id)).body.status === 'sent' ? true : null));
    expect(sms.slice(before).filter((m) => m.to === '13800138001')).toHaveLength(2);
    for (const dedupKey of ['short', 'has space in it', 'x'.repeat(129)]) expect((await send({ ...body, dedupKey })).status).toBe(400);
  });

  it('keeps recipient and parameters encrypted while a message waits, retries a failing gateway with backoff, and gives up on a refusal', async () => {
    fail['13900139000'] = [503, 503];
    const retried = await send({
      channel: 'sms',
      to: '13900139000',
      template: 'case-completed',
      params: { matter: '食品经营许可', caseNo: 'JS1', result: '准予许可' },
    });
    const sealed = (
      await tech.app
        .get(DataSource)
        .query(`SELECT recipient_enc, params_enc FROM "${techDef.schema}".notification WHERE id = $1`, [retried.body.id])
    )[0];
    expect(sealed.recipient_enc).not.toBeNull(); // erased only once sent or given up, and the gateway fails twice first
    expect(Buffer.from(sealed.recipient_enc).toString('latin1')).not.toContain('13900139000');
    expect(Buffer.from(sealed.params_enc).toString('utf8')).not.toContain('准予许可');
    const done = await eventually(
      async () => ((await internal(retried.body.id)).body.status === 'sent' ? (await internal(retried.body.id)).body : null),
      20_000,
    );
    expect(done.attempts).toBe(3);

    fail['13700137000'] = [400];
    const refused = await send({
      channel: 'sms',
      to: '13700137000',
      template: 'case-completed',
      params: { matter: 'x', caseNo: 'JS2', result: 'y' },
    });
    const failed = await eventually(async () =>
      (await internal(refused.body.id)).body.status === 'failed' ? (await internal(refused.body.id)).body : null,
    );
    expect(failed).toMatchObject({ attempts: 1, lastError: expect.stringContaining('HTTP 400') });

    fail['13600136000'] = [503, 503, 503, 503, 503];
    const exhausted = await send({
      channel: 'sms',
      to: '13600136000',
      template: 'case-completed',
      params: { matter: 'x', caseNo: 'JS3', result: 'y' },
    });
    const gaveUp = await eventually(
      async () => ((await internal(exhausted.body.id)).body.status === 'failed' ? (await internal(exhausted.body.id)).body : null),
      20_000,
    );
    expect(gaveUp.attempts).toBe(4);
  }, 60_000);

  it('sends e-mail through a real SMTP server', async () => {
    const r = await send({
      channel: 'email',
      to: 'zhang.san@example.cn',
      template: 'materials-needed',
      params: { matter: '居住证办理', caseNo: 'JS4', materials: '近期免冠照片一张' },
    });
    expect(r.status).toBe(200);
    const mail = await eventually(async () => mails.find((m) => m.to === 'zhang.san@example.cn'));
    expect(mail!.raw).toMatch(/Subject: =\?UTF-8\?/);
    expect(await eventually(async () => ((await internal(r.body.id)).body.status === 'sent' ? true : null))).toBe(true);
    expect((await internal(r.body.id)).body.recipient).toBe('z***@example.cn');
  });

  it('delivers in-app messages to the signed-in person only', async () => {
    const flows = new OidcFlows(`${tech.url}/oidc`);
    const citizen = await flows.signIn({ username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password });
    const r = await send({ channel: 'in-app', to: citizen.principal!.subject, template: 'case-accepted', params: accepted });
    expect(r.status).toBe(200);
    const inbox = await eventually(async () => {
      const list = await api(`${tech.url}/v1/me/messages`, citizen.token);
      return list.body.messages.length > 0 ? list.body.messages : null;
    });
    expect(inbox[0]).toMatchObject({ title: '办件受理通知', read: false, body: expect.stringContaining('JS20261122000123') });
    expect((await api(`${tech.url}/v1/me/messages/${inbox[0].id}/read`, citizen.token, { method: 'POST' })).status).toBe(204);
    expect((await api(`${tech.url}/v1/me/messages`, citizen.token)).body.messages[0].read).toBe(true);
    expect((await api(`${tech.url}/v1/me/messages`, null)).status).toBe(401);
    expect(
      (await api(`${tech.url}/v1/me/messages/00000000-0000-4000-8000-000000000000/read`, citizen.token, { method: 'POST' })).status,
    ).toBe(404);
  });

  it('works through the typed client library integrators import', async () => {
    const client = new NotificationClient(
      new DispatchClient({ baseUrl: dispatch.url, credentials: { appKey: 'demo-portal', secret: 'demo-portal-secret' } }),
    );
    const queued = await client.send(
      { channel: 'sms', to: '13300133000', template: 'case-completed', params: { matter: '居住证', caseNo: 'JS9', result: '办结' } },
      { purpose: '办结通知' },
    );
    expect(queued.status).toBe('pending');
    expect(await eventually(async () => sms.find((m) => m.id === queued.id))).toBeTruthy();
    const refused = await client.send({ channel: 'sms', to: '123', template: 'case-completed', params: {} }).catch((e: unknown) => e);
    expect((refused as DispatchError).status).toBe(422);
  });

  it('refuses bad requests with reasons and sends nothing', async () => {
    const before = sms.length;
    const cases: [unknown, number, RegExp][] = [
      [{ channel: 'sms', to: '13800138000', template: 'no-such-template', params: {} }, 422, /UNKNOWN_TEMPLATE/],
      [{ channel: 'sms', to: '13800138000', template: 'login-code', params: { code: '123456', minutes: '5' } }, 422, /TEMPLATE_RESERVED/],
      [
        { channel: 'sms', to: '12345', template: 'case-completed', params: { matter: 'x', caseNo: 'y', result: 'z' } },
        422,
        /INVALID_RECIPIENT/,
      ],
      [{ channel: 'sms', to: '13800138000', template: 'case-completed', params: { matter: 'x', caseNo: 'y' } }, 422, /result/],
      [
        { channel: 'sms', to: '13800138000', template: 'case-completed', params: { matter: 'x', caseNo: 'y', result: 'z', extra: 'w' } },
        422,
        /extra/,
      ],
      [{ channel: 'sms', to: '13800138000', template: 'case-accepted', params: { ...accepted, dueDate: 'soon' } }, 422, /dueDate/],
      [
        { channel: 'sms', to: '13800138000', template: 'case-completed', params: { matter: 'x\nhttp://evil', caseNo: 'y', result: 'z' } },
        422,
        /matter/,
      ],
      // A business line may not fill a person's inbox by subject key (only the platform's own services address people so).
      [{ channel: 'in-app', to: `subject:${'a'.repeat(64)}`, template: 'case-accepted', params: accepted }, 422, /RECIPIENT_RESERVED/],
      [{ channel: 'in-app', to: `subject:${'a'.repeat(63)}`, template: 'case-accepted', params: accepted }, 422, /INVALID_RECIPIENT/],
      [{ channel: 'fax', to: '13800138000', template: 'case-completed', params: {} }, 400, /channel/],
      [{ channel: 'sms', to: '13800138000', template: 'case-completed', params: 'x' }, 400, /params/],
      [{ channel: 'sms', to: '13800138000', template: 'case-completed', params: {}, cc: 'x' }, 400, /cc/],
    ];
    for (const [input, code, reason] of cases) {
      const r = await send(input);
      expect({ input, status: r.status }).toEqual({ input, status: code });
      expect(JSON.stringify(r.body)).toMatch(reason);
    }
    expect((await internal('not-a-uuid')).status).toBe(400);
    expect((await internal('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(await status('00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 401 }); // without the internal token
    await new Promise((r) => setTimeout(r, 300));
    expect(sms.length).toBe(before);
  });

  it('signs a citizen in with an SMS code sent through the notification sender; a code works once and expires, guesses lock the account', async () => {
    const flows = new OidcFlows(`${tech.url}/oidc`);
    const ds = tech.app.get(DataSource);
    const schema = techDef.schema;
    const requestCode = async (idNumber: string) => {
      const browser = new BrowserSession();
      const page = await flows.authorize(browser, DEMO_PORTALS[0]!, pkcePair().challenge);
      return browser.request(`${page.url}/sms-code`, { method: 'POST', form: { username: idNumber } });
    };
    const codeSent = async () =>
      (await eventually(async () => sms.filter((m) => m.template === 'login-code' && m.to === DEMO_PERSON.phone).at(-1)))!.params['code']!;

    const sent = await requestCode(DEMO_PERSON.idNumber);
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('验证码已发送');
    const code = await codeSent();
    expect(code).toMatch(/^\d{6}$/);
    expect((await ds.query(`SELECT code_mac FROM "${schema}".sms_login_code`)).map((r: { code_mac: string }) => r.code_mac)).not.toContain(
      code,
    );
    const signed = await flows.signIn({ username: DEMO_PERSON.idNumber, sms_code: code });
    expect(signed.status).toBe(303);
    expect(signed.principal!.assurance).toBe(3);
    expect((await flows.signIn({ username: DEMO_PERSON.idNumber, sms_code: code })).status).toBe(401); // used

    // One code a minute per account name; an unknown number gets the same page and no SMS.
    expect((await requestCode(DEMO_PERSON.idNumber)).status).toBe(429);
    const before = sms.length;
    const stranger = await requestCode('110105194912310037');
    expect(stranger.status).toBe(200);
    const normalise = (text: string, id: string) => text.replace(/\/interaction\/[^/]+\//g, '/interaction/<uid>/').replace(id, '<id>');
    expect(normalise(stranger.text, '110105194912310037')).toBe(normalise(sent.text, DEMO_PERSON.idNumber));
    await new Promise((r) => setTimeout(r, 500));
    expect(sms.length).toBe(before);

    // An expired code does not work (expiry moved into the past rather than waiting 5 minutes).
    await ds.query(`DELETE FROM "${schema}".login_throttle WHERE key LIKE 'sms1m%'`);
    await requestCode(DEMO_PERSON.idNumber);
    const late = await eventually(async () => {
      const c = await codeSent();
      return c !== code ? c : null;
    });
    await ds.query(`UPDATE "${schema}".sms_login_code SET expires_at = now() - interval '1 second' WHERE consumed_at IS NULL`);
    expect((await flows.signIn({ username: DEMO_PERSON.idNumber, sms_code: late })).status).toBe(401);

    // Guessing codes counts towards the same lock-out as passwords; SMS codes are for citizens only.
    const results: number[] = [];
    for (let i = 0; i < 4; i++) results.push((await flows.signIn({ username: DEMO_PERSON.idNumber, sms_code: String(100000 + i) })).status);
    expect(results).toEqual([401, 401, 423, 423]); // the used and the expired code were failures 1 and 2
    expect((await flows.signIn({ username: 'xw-operator', sms_code: '123456' })).status).toBe(400);
    await ds.query(`DELETE FROM "${schema}".login_throttle WHERE key LIKE 'name%'`);
    const audit = await ds.query(
      `SELECT event, count(*)::int AS n FROM "${schema}".identity_audit WHERE event LIKE 'SMS_%' GROUP BY event`,
    );
    expect(Object.fromEntries(audit.map((r: { event: string; n: number }) => [r.event, r.n]))).toEqual({
      SMS_CODE_SENT: 2,
      SMS_CODE_NOT_SENT: 1,
    });
  }, 60_000);

  it('loses nothing across a restart: a message queued while the gateway is down goes out after the service comes back', async () => {
    fail['13500135000'] = [503, 503, 503];
    const r = await send({
      channel: 'sms',
      to: '13500135000',
      template: 'case-completed',
      params: { matter: 'x', caseNo: 'JS5', result: 'y' },
    });
    await eventually(async () => ((await internal(r.body.id)).body.attempts >= 1 ? true : null));
    await tech.close();
    tech = await startService(techDef, techEnv);
    const done = await eventually(async () => ((await internal(r.body.id)).body.status === 'sent' ? true : null), 20_000);
    expect(done).toBe(true);
    expect(sms.filter((m) => m.id === r.body.id)).toHaveLength(1);
  }, 90_000);
});
