import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfSignatureParts } from '@gmp/e-seal';

/** `openssl cms -verify` on the last signature of a PDF: an implementation that shares nothing with ours. */
export function opensslAccepts(pdf: Buffer): boolean {
  const parts = pdfSignatureParts(pdf);
  if (!parts) return false;
  const dir = mkdtempSync(join(tmpdir(), 'seal-e2e-'));
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

/** The text of a PDF's pages as pdf.js (Mozilla's reader) extracts it. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, disableFontFace: true }).promise;
  let text = '';
  for (let p = 1; p <= doc.numPages; p++) text += (await (await doc.getPage(p)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('');
  return text;
}
