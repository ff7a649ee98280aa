import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { makeSealPng } from './seal-picture.js';
import { createPadesKey, pdfSignatureParts, PdfSealError, preparePicture, sealPdf, verifyPdfSignature } from './pdf-seal.js';

async function onePage(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  page.drawText('Business licence record 1001', { x: 72, y: 760, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

/** What `openssl cms -verify` says of the last signature (an implementation that shares nothing with ours). */
function openssl(pdf: Buffer): boolean {
  const parts = pdfSignatureParts(pdf)!;
  const dir = mkdtempSync(join(tmpdir(), 'pades-'));
  try {
    writeFileSync(join(dir, 'content.bin'), parts.signedContent);
    writeFileSync(join(dir, 'sig.der'), parts.cms);
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'content.bin'), '-noverify', '-out', '/dev/null'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('PDF sealing (visible seal + PAdES signature)', () => {
  let key: { privateKey: ReturnType<typeof createPrivateKey>; certificate: Buffer };
  let picture: Awaited<ReturnType<typeof preparePicture>>;

  beforeAll(async () => {
    const made = await createPadesKey({ commonName: '南京示例科技有限公司 公章', organisation: '南京示例科技有限公司', notAfter: new Date(Date.now() + 365 * 86_400_000) });
    key = { privateKey: createPrivateKey({ key: made.pkcs8, format: 'der', type: 'pkcs8' }), certificate: made.certificate };
    picture = await preparePicture(makeSealPng(128));
  });

  it('seals a one-page PDF so that OpenSSL and our verifier accept it, with the seal picture on the page', async () => {
    const sealed = await sealPdf(await onePage(), { key, picture, sealName: '南京示例科技有限公司 公章', organisation: '南京示例科技有限公司' });
    expect(openssl(sealed)).toBe(true);
    const check = verifyPdfSignature(sealed);
    expect(check).toMatchObject({ signatureValid: true, coversWholeDocument: true, signedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    expect(check.certificate!.equals(key.certificate)).toBe(true);
    const text = sealed.toString('latin1');
    expect(text).toContain('/SubFilter /ETSI.CAdES.detached');
    expect(text).toMatch(/\/Subtype \/Image/);
    expect((await PDFDocument.load(sealed)).getPageCount()).toBe(1);
  });

  it('fails verification after any change: a flipped byte, or bytes appended after signing', async () => {
    const sealed = await sealPdf(await onePage(), { key, picture, sealName: '公章', organisation: '单位' });
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 200]! ^= 1;
    expect(openssl(flipped)).toBe(false);
    expect(verifyPdfSignature(flipped).signatureValid).toBe(false);
    const appended = Buffer.concat([sealed, Buffer.from('\n% appended\n')]);
    expect(verifyPdfSignature(appended)).toMatchObject({ signatureValid: true, coversWholeDocument: false });
    expect(verifyPdfSignature(Buffer.from('%PDF-1.4 nothing signed')).signatureValid).toBe(false);
  });

  it('refuses what is not a PDF, and a page that does not exist', async () => {
    await expect(sealPdf(Buffer.from('hello'), { key, picture, sealName: 'x', organisation: 'y' })).rejects.toThrow(PdfSealError);
    await expect(sealPdf(await onePage(), { key, picture, sealName: 'x', organisation: 'y', placement: { page: 3 } })).rejects.toThrow(/第 4 页/);
  });
});
