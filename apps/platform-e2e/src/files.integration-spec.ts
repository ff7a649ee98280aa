import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { DataSource } from 'typeorm';
import { DEMO_PERSON, techCapabilitiesService } from '@gmp/feature-tech';
import { PlatformScope } from '@gmp/identity';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { OidcFlows } from './oidc-flows.js';
import { freePort } from './service-process.js';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const EICAR = Buffer.concat([PDF, Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*')]);

/** File store for application materials on real PostgreSQL, with a malware-scanner hook on loopback. */
describe('file store: content-addressed materials, type and size limits, malware hook', () => {
  let tech: RunningService;
  let scanner: Server;
  let appToken: string;
  const scanned: string[] = [];
  const upload = (body: Buffer | string, headers: Record<string, string> = {}, token: string | null = appToken) =>
    fetch(`${tech.url}/v1/files`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'x-file-name': encodeURIComponent('营业执照副本.pdf'),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  beforeAll(async () => {
    scanner = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const name = decodeURIComponent(String(req.headers['x-file-name']));
        scanned.push(name);
        if (name === 'scanner-down.pdf') return void res.writeHead(500).end();
        const infected = Buffer.concat(chunks).includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE');
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(infected ? { clean: false, signature: 'Eicar-Test-Signature' } : { clean: true }));
      });
    });
    const scanPort = await freePort();
    await new Promise<void>((r) => scanner.listen(scanPort, '127.0.0.1', r));
    const port = await freePort();
    tech = await startService(
      inOwnSchema(techCapabilitiesService),
      integrationEnv({ PORT: String(port), FILE_MAX_BYTES: String(64 * 1024), FILE_SCAN_URL: `http://127.0.0.1:${scanPort}/scan` }),
    );
    // A department system allowed to upload materials (the demo business app is allowed capabilities:invoke only).
    await tech.app
      .get(DataSource)
      .query(`INSERT INTO "${tech.definition.schema}".oidc_payload (model, id, payload) VALUES ('Client', 'e2e-uploader-app', $1)`, [
        JSON.stringify({
          client_id: 'e2e-uploader-app',
          client_secret: 'uploader-client-secret-0123456789',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: PlatformScope.WriteFiles,
        }),
      ]);
    const res = await fetch(`http://127.0.0.1:${port}/oidc/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('e2e-uploader-app:uploader-client-secret-0123456789').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: PlatformScope.WriteFiles }).toString(),
    });
    appToken = ((await res.json()) as any).access_token;
  }, 120_000);

  afterAll(async () => {
    await tech?.close();
    scanner?.close();
  });

  it('stores a scanned PDF once per content and gives it back byte for byte to its owner only', async () => {
    const first = await upload(PDF);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      sha256: createHash('sha256').update(PDF).digest('hex'),
      size: PDF.length,
      mediaType: 'application/pdf',
      fileName: '营业执照副本.pdf',
      scanStatus: 'clean',
    });
    const second = await upload(PDF);
    expect(second.body.id).not.toBe(first.body.id);
    const ds = tech.app.get(DataSource);
    expect(
      (await ds.query(`SELECT count(*)::int AS n FROM "${tech.definition.schema}".file_blob WHERE sha256 = $1`, [first.body.sha256]))[0].n,
    ).toBe(1);

    const got = await fetch(`${tech.url}/v1/files/${first.body.id}/content`, { headers: { authorization: `Bearer ${appToken}` } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toContain("filename*=UTF-8''%E8%90%A5");
    expect(Buffer.from(await got.arrayBuffer()).equals(PDF)).toBe(true);

    const citizen = (await new OidcFlows(`${tech.url}/oidc`).signIn({ username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password }))
      .token!;
    expect((await fetch(`${tech.url}/v1/files/${first.body.id}`, { headers: { authorization: `Bearer ${citizen}` } })).status).toBe(404);
    const internal = await fetch(`${tech.url}/internal/v1/files/${first.body.id}/content`, {
      headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN },
    });
    expect(internal.status).toBe(200);
  });

  it('takes the type from the content, not from the declared type or the name', async () => {
    const png = await upload(PNG, { 'content-type': 'application/pdf', 'x-file-name': 'photo.pdf' });
    expect(png.status).toBe(201);
    expect(png.body.mediaType).toBe('image/png');
    const exe = await upload(
      Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(256)]),
      { 'x-file-name': 'invoice.pdf' },
    );
    expect(exe.status).toBe(415);
    expect(exe.body.code).toBe('UNSUPPORTED_FILE_TYPE');
    expect((await upload('plain text, not a document')).status).toBe(415);
    expect((await upload('hello', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('refuses infected, empty, oversized and unauthorised uploads with reasons, and keeps nothing of them', async () => {
    const ds = tech.app.get(DataSource);
    const count = async () => (await ds.query(`SELECT count(*)::int AS n FROM "${tech.definition.schema}".stored_file`))[0].n as number;
    const before = await count();
    const infected = await upload(EICAR);
    expect(infected.status).toBe(422);
    expect(infected.body).toMatchObject({ code: 'FILE_INFECTED', detail: 'Eicar-Test-Signature' });
    const down = await upload(PDF, { 'x-file-name': 'scanner-down.pdf' });
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('SCANNER_UNAVAILABLE');
    expect((await upload(Buffer.alloc(0))).status).toBe(400);
    const big = await upload(Buffer.concat([PDF, Buffer.alloc(70 * 1024)]));
    expect(big.status).toBe(413);
    expect((await upload(PDF, {}, null)).status).toBe(401);
    const citizen = (await new OidcFlows(`${tech.url}/oidc`).signIn({ username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password }))
      .token!;
    const noScope = await upload(PDF, {}, citizen); // a portal token without files:write asked
    expect(noScope.status).toBe(403);
    expect(noScope.body.code).toBe('INSUFFICIENT_SCOPE');
    expect((await fetch(`${tech.url}/v1/files/not-a-uuid`, { headers: { authorization: `Bearer ${appToken}` } })).status).toBe(400);
    expect(await count()).toBe(before);
    expect(
      (
        await ds.query(`SELECT count(*)::int AS n FROM "${tech.definition.schema}".file_blob WHERE sha256 = $1`, [
          createHash('sha256').update(EICAR).digest('hex'),
        ])
      )[0].n,
    ).toBe(0);
  });

  it('never serves content that no longer matches its hash', async () => {
    const stored = await upload(PNG, { 'x-file-name': 'seal.png' });
    const ds = tech.app.get(DataSource);
    await ds.query(`UPDATE "${tech.definition.schema}".file_blob SET content = $2 WHERE sha256 = $1`, [
      stored.body.sha256,
      Buffer.concat([PNG, Buffer.from('x')]),
    ]);
    const got = await fetch(`${tech.url}/v1/files/${stored.body.id}/content`, { headers: { authorization: `Bearer ${appToken}` } });
    expect(got.status).toBe(500);
    expect(((await got.json()) as any).code).toBe('FILE_CORRUPTED');
  });
});
