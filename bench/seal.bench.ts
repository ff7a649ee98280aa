// npm run bench:seal — electronic seal operations of libs/e-seal on one core (one thread):
// sealing a one-page PDF (visible seal + PAdES signature, ECDSA P-256) and a GB/T 38540
// signature over a 1 KB record (SM2 with SM3, key held by the software crypto provider), and
// their verification. Targets (issue 4): PDF sealing ≥ 100 documents/s; GB/T 38540 signature ≥ 300/s.
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createPrivateKey } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { SoftwareCryptoProvider } from '@gmp/gm-crypto';
import {
  createPadesKey,
  issueSm2Certificate,
  makeSeal,
  makeSealPng,
  preparePicture,
  providerSigner,
  sealPdf,
  signWithSeal,
  sm2Name,
  verifyPdfSignature,
  verifySesSignature,
} from '@gmp/e-seal';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const rows: string[] = [];

async function measure(name: string, target: string, op: () => unknown | Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await op(); // warm-up
  let n = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - started < SECONDS * 1000) {
    await op();
    n++;
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const line = `| ${name} | ${Math.round(n / wall).toLocaleString('en')} | ${Math.round(n / ((cpu.user + cpu.system) / 1e6)).toLocaleString('en')} | ${((wall / n) * 1000).toFixed(2)} ms | ${target} |`;
  process.stderr.write(`${line}\n`);
  rows.push(line);
}

const doc = await PDFDocument.create();
doc
  .addPage([595.28, 841.89])
  .drawText('Business licence record 1001', { x: 72, y: 760, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
const pdf = Buffer.from(await doc.save());
const made = await createPadesKey({
  commonName: 'Demo seal',
  organisation: 'Demo organisation',
  notAfter: new Date(Date.now() + 365 * 86_400_000),
});
const key = { privateKey: createPrivateKey({ key: made.pkcs8, format: 'der', type: 'pkcs8' }), certificate: made.certificate };
const picture = await preparePicture(makeSealPng(256));
const sealed = await sealPdf(pdf, { key, picture, sealName: 'Demo seal', organisation: 'Demo organisation' });

const crypto = new SoftwareCryptoProvider(Buffer.alloc(32, 1));
const maker = crypto.generateSm2KeyPair();
const makerSigner = providerSigner(crypto, maker);
const makerName = sm2Name('Seal maker', 'Platform');
const makerCert = issueSm2Certificate({
  subject: makerName,
  publicKey: maker.publicKey,
  issuer: { name: makerName, signer: makerSigner },
  ca: true,
  notAfter: new Date(Date.now() + 3650 * 86_400_000),
});
const signerKey = crypto.generateSm2KeyPair();
const signerCert = issueSm2Certificate({
  subject: sm2Name('Demo seal', 'Demo organisation'),
  publicKey: signerKey.publicKey,
  issuer: { name: makerName, signer: makerSigner },
  notAfter: new Date(Date.now() + 365 * 86_400_000),
});
const seal = makeSeal(
  {
    esID: '32010000000001',
    name: 'Demo seal',
    type: 'official',
    png: makeSealPng(128),
    signerCertificates: [signerCert],
    validStart: new Date(),
    validEnd: new Date(Date.now() + 365 * 86_400_000),
  },
  { certificate: makerCert, signer: makerSigner },
);
const record = Buffer.alloc(1024, 0x61);
const signer = providerSigner(crypto, signerKey);
const sesSignature = signWithSeal({ seal, data: record, propertyInfo: 'record', signer, signerCertificate: signerCert });

await measure('seal a one-page PDF (visible seal + PAdES, ECDSA P-256)', '≥ 100/s', () =>
  sealPdf(pdf, { key, picture, sealName: 'Demo seal', organisation: 'Demo organisation' }),
);
await measure('verify the PDF signature', '—', () => verifyPdfSignature(sealed));
await measure('GB/T 38540 signature over a 1 KB record (SM3 + TBS_Sign + SM2 via the crypto provider)', '≥ 300/s', () =>
  signWithSeal({ seal, data: record, propertyInfo: 'record', signer, signerCertificate: signerCert }),
);
await measure('verify a GB/T 38540 signature (2 SM2 verifications, no caches)', '—', () =>
  verifySesSignature(sesSignature, record, [maker.publicKey]),
);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const section = `
## bench:seal — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. libs/e-seal in one thread, ${SECONDS} s per operation after 20 warm-up runs; the SM2 keys wrapped by the software crypto provider (unwrapped per signature).

| operation | per second (wall) | per CPU-second | per operation | target |
|---|---|---|---|---|
${rows.join('\n')}
`;
appendFileSync('docs/benchmarks.md', section);
process.stderr.write(section);
