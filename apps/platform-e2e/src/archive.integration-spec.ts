import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { DataSource } from 'typeorm';
import { sm2PublicKeySpki } from '@gmp/e-seal';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { DispatchClient } from '@gmp/dispatch-client';
import { EArchiveClient } from '@gmp/tech-client';
import { post } from './dispatch-client.js';
import { freePort } from './service-process.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** E-archive (电子档案) through dispatch over Kafka, on real PostgreSQL: deposit, verify, tampering found. */
describe('e-archive: hash-chained, signed packages', () => {
  let tech: RunningService;
  let dispatch: RunningService;
  let fileId: string;
  const deposit = (input: unknown) => post(`${dispatch.url}/v1/capabilities/archive.deposit/invoke`, input);
  const verify = (packageId: string) => post(`${dispatch.url}/v1/capabilities/archive.verify/invoke`, { packageId });
  const sql = (q: string, params: unknown[] = []) =>
    tech.app.get(DataSource).query(q.replaceAll('S.', `"${tech.definition.schema}".`), params);
  const entries = () => [
    { kind: 'application', title: '申请表', record: { applicant: '张三', business: '便利店', amount: 1.5, items: ['食品', '日用品'] } },
    { kind: 'material', title: '营业场所证明', fileId },
    { kind: 'opinion', title: '审查意见', record: { opinion: '材料齐全，符合法定形式' } },
    { kind: 'decision', title: '准予登记决定书', record: { result: '准予登记', date: '2026-11-22' } },
  ];

  beforeAll(async () => {
    const port = await freePort();
    tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv({ PORT: String(port) }));
    dispatch = await startService(inOwnSchema(serviceDispatchService), integrationEnv());
    const up = await fetch(`${tech.url}/internal/v1/files`, {
      method: 'POST',
      headers: {
        'content-type': 'application/pdf',
        'x-file-name': 'proof.pdf',
        'x-caller': 'business-platform',
        'x-internal-token': TEST_INTERNAL_API_TOKEN,
      },
      body: PDF,
    });
    fileId = ((await up.json()) as any).id;
  }, 120_000);

  afterAll(async () => {
    await dispatch?.close();
    await tech?.close();
  });

  it('deposits a case and verifies it; the signature checks with an independent SM2 implementation (OpenSSL)', async () => {
    const r = await deposit({ caseId: 'JS-ARCH-1', title: '个体工商户设立登记 张三', retentionYears: 30, entries: entries() });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      entries: 4,
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      retainUntil: `${new Date().getUTCFullYear() + 30}-${new Date().toISOString().slice(5, 10)}`,
    });
    const v = await verify(r.body.packageId);
    expect(v.body).toEqual({ valid: true, entries: 4, problems: [], caseId: 'JS-ARCH-1', depositedAt: expect.any(String) });

    const [pkg] = await sql(
      'SELECT p.*, k.public_key FROM S.archive_package p JOIN S.archive_signing_key k ON k.id = p.key_id WHERE p.id = $1',
      [r.body.packageId],
    );
    const statement = canonicalize({
      v: 1,
      packageId: pkg.id,
      app: pkg.app,
      caseId: pkg.case_id,
      title: pkg.title,
      entries: pkg.entry_count,
      headHash: pkg.head_hash,
      depositedAt: new Date(pkg.deposited_at).toISOString(),
      retainUntil: new Date(pkg.retain_until).toISOString(),
    })!;
    const dir = mkdtempSync(join(tmpdir(), 'archive-'));
    try {
      writeFileSync(join(dir, 'pub.der'), sm2PublicKeySpki(pkg.public_key));
      writeFileSync(join(dir, 'statement.json'), statement);
      writeFileSync(join(dir, 'sig.der'), Buffer.from(pkg.signature, 'hex'));
      const out = execFileSync(
        'openssl',
        [
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          join(dir, 'pub.der'),
          '-keyform',
          'DER',
          '-rawin',
          '-in',
          join(dir, 'statement.json'),
          '-sigfile',
          join(dir, 'sig.der'),
          '-digest',
          'sm3',
          '-pkeyopt',
          'distid:1234567812345678',
        ],
        { encoding: 'utf8' },
      );
      expect(out).toContain('Signature Verified Successfully');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses changes and early deletion in the database itself', async () => {
    const r = await deposit({ caseId: 'JS-ARCH-2', title: '档案', retentionYears: 10, entries: entries() });
    await expect(sql(`UPDATE S.archive_entry SET title = 'x' WHERE package_id = $1`, [r.body.packageId])).rejects.toThrow(
      /cannot be changed/,
    );
    await expect(sql(`DELETE FROM S.archive_entry WHERE package_id = $1`, [r.body.packageId])).rejects.toThrow(/retention period not over/);
    await expect(sql(`DELETE FROM S.archive_package WHERE id = $1`, [r.body.packageId])).rejects.toThrow(/retention period not over/);
    expect((await verify(r.body.packageId)).body.valid).toBe(true);
  });

  it('finds every change made behind the database guards: content, title, a missing entry, a file, the package facts', async () => {
    const r = await deposit({ caseId: 'JS-ARCH-3', title: '被篡改的档案', permanent: true, entries: entries() });
    expect(r.body.retainUntil).toBeUndefined();
    const id = r.body.packageId;
    await sql('ALTER TABLE S.archive_entry DISABLE TRIGGER archive_entry_guard');
    await sql('ALTER TABLE S.archive_package DISABLE TRIGGER archive_package_guard');
    try {
      await sql(`UPDATE S.archive_entry SET record = jsonb_set(record, '{result}', '"不予登记"') WHERE package_id = $1 AND seq = 4`, [id]);
      await sql(`UPDATE S.archive_entry SET title = '审查意见（改）' WHERE package_id = $1 AND seq = 3`, [id]);
      let v = (await verify(id)).body;
      expect(v.valid).toBe(false);
      expect(v.problems).toEqual(
        expect.arrayContaining([
          { seq: 4, problem: 'CONTENT_CHANGED' },
          { seq: 3, problem: 'CHAIN_BROKEN' },
        ]),
      );
      await sql(`DELETE FROM S.archive_entry WHERE package_id = $1 AND seq = 1`, [id]);
      v = (await verify(id)).body;
      expect(v.problems).toEqual(expect.arrayContaining([{ seq: 1, problem: 'ENTRY_MISSING' }]));
      await sql(`UPDATE S.file_blob SET content = $1 WHERE sha256 = (SELECT sha256 FROM S.stored_file WHERE id = $2)`, [
        Buffer.concat([PDF, Buffer.from('%')]),
        fileId,
      ]);
      v = (await verify(id)).body;
      expect(v.problems).toEqual(expect.arrayContaining([{ seq: 2, problem: 'FILE_MISSING' }]));
      await sql(`UPDATE S.archive_package SET title = '另一个案' WHERE id = $1`, [id]);
      expect((await verify(id)).body.problems).toEqual(expect.arrayContaining([{ seq: 0, problem: 'SIGNATURE_INVALID' }]));
    } finally {
      await sql(`UPDATE S.file_blob SET content = $1 WHERE sha256 = (SELECT sha256 FROM S.stored_file WHERE id = $2)`, [PDF, fileId]);
      await sql('ALTER TABLE S.archive_entry ENABLE TRIGGER archive_entry_guard');
      await sql('ALTER TABLE S.archive_package ENABLE TRIGGER archive_package_guard');
    }
  });

  it('works through the typed client library integrators import', async () => {
    const client = new EArchiveClient(
      new DispatchClient({ baseUrl: dispatch.url, credentials: { appKey: 'demo-portal', secret: 'demo-portal-secret' } }),
    );
    const deposited = await client.deposit({
      caseId: 'JS-ARCH-CLIENT',
      title: '客户端归档',
      retentionYears: 10,
      entries: [{ kind: 'decision', title: '决定书', record: { result: '准予' } }],
    });
    expect((await client.verify({ packageId: deposited.packageId })).valid).toBe(true);
  });

  it('refuses bad deposits with reasons, and a case twice', async () => {
    const base = { caseId: 'JS-ARCH-4', title: '档案', retentionYears: 10 };
    const cases: [unknown, number, RegExp][] = [
      [{ ...base, entries: [{ kind: 'decision', title: 'x', record: {}, fileId }] }, 422, /record 或 fileId/],
      [{ ...base, entries: [{ kind: 'decision', title: 'x' }] }, 422, /record 或 fileId/],
      [{ ...base, entries: [{ kind: 'material', title: 'x', fileId: '00000000-0000-4000-8000-000000000000' }] }, 422, /file/],
      [{ caseId: 'JS-ARCH-4', title: '档案', entries: entries() }, 422, /retentionYears/],
      [{ ...base, permanent: true, entries: entries() }, 422, /retentionYears/],
      [{ ...base, entries: [] }, 400, /entries/],
      [{ ...base, entries: Array.from({ length: 501 }, () => entries()[0]) }, 400, /entries/],
      [{ ...base, entries: [{ kind: 'gossip', title: 'x', record: {} }] }, 400, /kind/],
      [{ ...base, caseId: 'has spaces', entries: entries() }, 400, /caseId/],
    ];
    for (const [input, status, reason] of cases) {
      const r = await deposit(input);
      expect({ status: r.status }).toEqual({ status });
      expect(JSON.stringify(r.body)).toMatch(reason);
    }
    expect((await deposit({ ...base, entries: entries() })).status).toBe(200);
    const twice = await deposit({ ...base, entries: entries() });
    expect(twice.status).toBe(409);
    expect((await verify('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await verify('nope')).status).toBe(400);
  });
});
