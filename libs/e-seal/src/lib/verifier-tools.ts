import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfSignatureParts } from './pdf-seal.js';
import { sm2PublicKeySpki } from './sm2-certificate.js';

/**
 * Independent verifiers — OpenSSL, and poppler's pdfsig over an NSS certificate database — run
 * as command-line tools, as anyone checking a sealed document without platform code would run
 * them. Each answers false only for a genuine verification failure the tool reports; a tool
 * that is not installed, or that fails in any other way, throws `VerifierToolError` (so a test
 * whose negative check relies on it cannot pass because the tool is missing).
 */
export class VerifierToolError extends Error {}

export interface ToolRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Where to find each tool (default: on the PATH). */
export interface VerifierTools {
  openssl?: string;
  pdfsig?: string;
  certutil?: string;
}

const INSTALL: Record<string, string> = { openssl: 'openssl', pdfsig: 'poppler-utils', certutil: 'libnss3-tools' };

/** Runs a tool to its end; throws `VerifierToolError` when it cannot be started (not installed) or is killed. */
export function runTool(bin: string, args: readonly string[], o: { input?: Uint8Array | string; cwd?: string } = {}): ToolRun {
  const r = spawnSync(bin, args, { input: o.input, cwd: o.cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    const name = bin.split('/').at(-1)!;
    throw new VerifierToolError(
      code === 'ENOENT'
        ? `${name} 未安装 (not installed: ${bin}; Debian: apt-get install -y ${INSTALL[name] ?? name})`
        : `${name} 无法运行 (could not be run: ${r.error.message})`,
    );
  }
  if (r.status === null) throw new VerifierToolError(`${bin} 被信号终止 (killed by ${r.signal})`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function unexpected(bin: string, args: readonly string[], r: ToolRun): VerifierToolError {
  return new VerifierToolError(
    `${bin} ${args[0] ?? ''} 意外失败 (failed unexpectedly, exit ${r.status}): ${(r.stderr || r.stdout).trim().slice(0, 2000)}`,
  );
}

function inTempDir<T>(prefix: string, work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PEM of DER certificates. */
export function certificatesPem(ders: readonly Uint8Array[]): string {
  return ders
    .map(
      (d) =>
        `-----BEGIN CERTIFICATE-----\n${Buffer.from(d)
          .toString('base64')
          .replace(/(.{64})/g, '$1\n')
          .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`,
    )
    .join('');
}

/**
 * `openssl cms -verify` on the last signature of a PDF: the message digest over the ByteRange
 * and the signature with the signer's certificate; with `trusted` (CA certificates, DER) also
 * the chain from the certificates the signature carries to one of them, otherwise `-noverify`.
 * False when the PDF has no signature or OpenSSL reports a verification failure (exit 4).
 */
export function opensslCmsVerify(pdf: Uint8Array, o: { trusted?: readonly Uint8Array[]; tools?: VerifierTools } = {}): boolean {
  const bin = o.tools?.openssl ?? 'openssl';
  const parts = pdfSignatureParts(pdf);
  if (!parts) {
    runTool(bin, ['version']); // a missing tool throws even when there is nothing to verify
    return false;
  }
  return inTempDir('cms-verify-', (dir) => {
    writeFileSync(join(dir, 'content.bin'), parts.signedContent);
    writeFileSync(join(dir, 'sig.der'), parts.cms);
    const trust = o.trusted
      ? (writeFileSync(join(dir, 'ca.pem'), certificatesPem(o.trusted)), ['-CAfile', join(dir, 'ca.pem'), '-purpose', 'any'])
      : ['-noverify'];
    const args = [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'sig.der'),
      '-content',
      join(dir, 'content.bin'),
      ...trust,
      '-out',
      join(dir, 'out.bin'),
    ];
    const r = runTool(bin, args);
    if (r.status === 0 && /Verification successful/.test(r.stderr)) return true;
    if (r.status === 4 && /Verification failure/.test(r.stderr)) return false;
    throw unexpected(bin, args, r);
  });
}

/**
 * `openssl verify -CAfile <trusted> <certificate>`: whether the certificate chains to one of the
 * trusted CA certificates (DER), through `untrusted` intermediates if given. SM2 certificates are
 * verified with the signer id 1234567812345678 (`-vfyopt distid:…`).
 */
export function opensslVerifyCertificate(
  certificate: Uint8Array,
  trusted: readonly Uint8Array[],
  o: { untrusted?: readonly Uint8Array[]; sm2?: boolean; tools?: VerifierTools } = {},
): boolean {
  const bin = o.tools?.openssl ?? 'openssl';
  return inTempDir('x509-verify-', (dir) => {
    writeFileSync(join(dir, 'ca.pem'), certificatesPem(trusted));
    writeFileSync(join(dir, 'cert.pem'), certificatesPem([certificate]));
    const untrusted = o.untrusted?.length
      ? (writeFileSync(join(dir, 'untrusted.pem'), certificatesPem(o.untrusted)), ['-untrusted', join(dir, 'untrusted.pem')])
      : [];
    const args = [
      'verify',
      '-CAfile',
      join(dir, 'ca.pem'),
      ...untrusted,
      ...(o.sm2 ? ['-vfyopt', 'distid:1234567812345678'] : []),
      join(dir, 'cert.pem'),
    ];
    const r = runTool(bin, args);
    if (r.status === 0 && /: OK\s*$/.test(r.stdout)) return true;
    if (r.status === 2 && /verification failed/.test(r.stderr + r.stdout)) return false;
    throw unexpected(bin, args, r);
  });
}

/** `openssl pkeyutl -verify` of an SM2-with-SM3 signature (DER) by `publicKey` (hex, 04…), signer id 1234567812345678. */
export function opensslVerifySm2(data: Uint8Array, signature: Uint8Array, publicKey: string, o: { tools?: VerifierTools } = {}): boolean {
  const bin = o.tools?.openssl ?? 'openssl';
  return inTempDir('sm2-verify-', (dir) => {
    writeFileSync(join(dir, 'pub.der'), sm2PublicKeySpki(publicKey));
    writeFileSync(join(dir, 'data.bin'), data);
    writeFileSync(join(dir, 'sig.der'), signature);
    const args = [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      join(dir, 'pub.der'),
      '-keyform',
      'DER',
      '-rawin',
      '-in',
      join(dir, 'data.bin'),
      '-sigfile',
      join(dir, 'sig.der'),
      '-digest',
      'sm3',
      '-pkeyopt',
      'distid:1234567812345678',
    ];
    const r = runTool(bin, args);
    if (r.status === 0 && /Signature Verified Successfully/.test(r.stdout)) return true;
    if (r.status === 1 && /Signature Verification Failure/.test(r.stdout)) return false;
    throw unexpected(bin, args, r);
  });
}

export interface PdfsigReport {
  /** pdfsig's "Signature Validation" line, e.g. `Signature is Valid.` */
  signature: string;
  /** pdfsig's "Certificate Validation" line, e.g. `Certificate is Trusted.` or `Certificate issuer is unknown.` */
  certificate: string;
  signatureValid: boolean;
  certificateTrusted: boolean;
  /** pdfsig's whole report. */
  output: string;
}

/**
 * poppler's `pdfsig` on the last signature of a PDF, with a fresh NSS certificate database
 * (certutil) that trusts exactly `trusted` (CA certificates, DER) for signing — what a reader
 * that trusts the platform seal CA sees. Throws when a tool is missing or pdfsig finds no
 * signature to report on.
 */
export function pdfsigVerify(pdf: Uint8Array, trusted: readonly Uint8Array[], o: { tools?: VerifierTools } = {}): PdfsigReport {
  const pdfsig = o.tools?.pdfsig ?? 'pdfsig';
  const certutil = o.tools?.certutil ?? 'certutil';
  return inTempDir('pdfsig-', (dir) => {
    const db = `sql:${join(dir, 'nssdb')}`;
    const must = (bin: string, args: string[]) => {
      const r = runTool(bin, args);
      if (r.status !== 0) throw unexpected(bin, args, r);
      return r;
    };
    runTool(pdfsig, ['-v']); // installed? (throws otherwise, before any NSS work)
    mkdirSync(join(dir, 'nssdb'));
    must(certutil, ['-N', '-d', db, '--empty-password']);
    trusted.forEach((ca, i) => {
      writeFileSync(join(dir, `ca-${i}.der`), ca);
      must(certutil, ['-A', '-d', db, '-n', `platform-seal-ca-${i}`, '-t', 'C,C,C', '-i', join(dir, `ca-${i}.der`)]);
    });
    writeFileSync(join(dir, 'doc.pdf'), pdf);
    // Not -no-ocsp: poppler 22 then answers "Unknown issue with Certificate" even for a good chain (our certificates name no OCSP responder, so nothing is fetched).
    const args = ['-nssdir', db, join(dir, 'doc.pdf')];
    const r = runTool(pdfsig, args);
    const signature = [...r.stdout.matchAll(/Signature Validation:\s*(.+)/g)].at(-1)?.[1]?.trim();
    const certificate = [...r.stdout.matchAll(/Certificate Validation:\s*(.+)/g)].at(-1)?.[1]?.trim();
    if (!signature || !certificate) throw unexpected(pdfsig, args, r);
    return {
      signature,
      certificate,
      signatureValid: signature === 'Signature is Valid.',
      certificateTrusted: certificate === 'Certificate is Trusted.',
      output: r.stdout,
    };
  });
}
