import { opensslCmsVerify } from '@gmp/e-seal';

/**
 * `openssl cms -verify` on the last signature of a PDF: an implementation that shares nothing
 * with ours. True when it verifies, false for a genuine verification failure (or no signature);
 * a missing openssl or any other tool error throws (VerifierToolError), so a negative check
 * cannot pass because the tool is missing. With `trusted` (CA certificates, DER) the chain the
 * signature carries is verified to them too.
 */
export function opensslAccepts(pdf: Buffer, trusted?: readonly Uint8Array[]): boolean {
  return opensslCmsVerify(pdf, trusted ? { trusted } : {});
}

/** The text of a PDF's pages as pdf.js (Mozilla's reader) extracts it. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, disableFontFace: true }).promise;
  let text = '';
  for (let p = 1; p <= doc.numPages; p++)
    text += (await (await doc.getPage(p)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('');
  return text;
}
