import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCipheriv } from 'node:crypto';
import { CryptoError, type Sm2CiphertextFormat } from './crypto-provider.js';
import { convertSm2Ciphertext } from './sm2-ciphertext.js';
import { SoftwareCryptoProvider } from './software-crypto.provider.js';

const provider = new SoftwareCryptoProvider(Buffer.alloc(32, 7));
/** SPKI DER prefix of an SM2 public key (id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301). */
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

/**
 * `openssl pkeyutl -verify` (SM2 with SM3, signer id 1234567812345678): true when OpenSSL verifies,
 * false only when it reports a verification failure; a missing openssl (or any other error) throws,
 * so the negative check below cannot pass because the tool is absent.
 */
function opensslSm2Verify(dir: string, bin = 'openssl'): boolean {
  const r = spawnSync(
    bin,
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
      join(dir, 'data.bin'),
      '-sigfile',
      join(dir, 'sig.der'),
      '-digest',
      'sm3',
      '-pkeyopt',
      'distid:1234567812345678',
    ],
    { encoding: 'utf8' },
  );
  if (r.error) throw new Error(`${bin} 无法运行 (could not be run: ${r.error.message})`);
  if (r.status === 0 && r.stdout.includes('Signature Verified Successfully')) return true;
  if (r.status === 1 && r.stdout.includes('Signature Verification Failure')) return false;
  throw new Error(`openssl pkeyutl 意外失败 (failed unexpectedly, exit ${r.status}): ${r.stderr || r.stdout}`);
}

describe('software crypto provider: published test vectors', () => {
  it('SM3 (GB/T 32905 examples 1 and 2)', () => {
    expect(provider.sm3('abc').toString('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(provider.sm3('abcd'.repeat(16)).toString('hex')).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('SM4 (GB/T 32907 example 1) through the same OpenSSL cipher the provider uses', () => {
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const cipher = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    expect(Buffer.concat([cipher.update(key), cipher.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });
});

describe('software crypto provider: SM4 envelopes', () => {
  it('round-trips, binds the label and the associated data, and detects any change', () => {
    const sealed = provider.encrypt('field:phone', '13800138000', 'person:1');
    expect(provider.decrypt('field:phone', sealed, 'person:1').toString()).toBe('13800138000');
    expect(sealed.toString('latin1')).not.toContain('13800138000');
    expect(provider.encrypt('field:phone', '13800138000', 'person:1').equals(sealed)).toBe(false); // random IV
    const flipped = Buffer.from(sealed);
    flipped[20]! ^= 1;
    for (const [label, env, aad] of [
      ['field:phone', flipped, 'person:1'],
      ['field:email', sealed, 'person:1'],
      ['field:phone', sealed, 'person:2'],
    ] as const) {
      expect(() => provider.decrypt(label, env, aad)).toThrow(CryptoError);
    }
    expect(() => new SoftwareCryptoProvider(Buffer.alloc(32, 8)).decrypt('field:phone', sealed, 'person:1')).toThrow(/篡改|wrong key/);
    expect(() => provider.decrypt('field:phone', Buffer.from([1, 2, 3]))).toThrow(/malformed/);
  });

  it('keeps the MAC key of the envelopes apart from the hmacSm3 key of the same label', () => {
    const sealed = provider.encrypt('field:x', 'v', '');
    const body = sealed.subarray(1 + 16, sealed.length - 32);
    expect(sealed.subarray(sealed.length - 32).equals(provider.hmacSm3('field:x', Buffer.concat([sealed.subarray(0, 17), body])))).toBe(
      false,
    );
  });

  it('derives HMAC-SM3 keys per label', () => {
    expect(provider.hmacSm3('lookup:phone', 'x').equals(provider.hmacSm3('lookup:phone', 'x'))).toBe(true);
    expect(provider.hmacSm3('lookup:phone', 'x').equals(provider.hmacSm3('lookup:email', 'x'))).toBe(false);
    expect(() => new SoftwareCryptoProvider(Buffer.alloc(16))).toThrow(/32/);
  });
});

describe('software crypto provider: SM2', () => {
  const { publicKey, privateKey } = provider.generateSm2KeyPair();
  const data = Buffer.from('电子印章 SM2 签名测试 (seal signature test)');

  it('keeps the private key wrapped and signs with signer id 1234567812345678', () => {
    expect(privateKey.blob).not.toMatch(/^[0-9a-f]{64}$/);
    const sig = provider.sm2Sign(privateKey, data);
    expect(sig[0]).toBe(0x30); // DER SEQUENCE { r, s }
    expect(provider.sm2Verify(publicKey, data, sig)).toBe(true);
    expect(provider.sm2Verify(publicKey, Buffer.concat([data, Buffer.from('!')]), sig)).toBe(false);
    expect(provider.sm2Verify(publicKey, data, sig, 'ALICE123@YAHOO.COM')).toBe(false);
    expect(provider.sm2Verify(publicKey, data, Buffer.from('not a signature'))).toBe(false);
    expect(() => provider.sm2Sign({ ...privateKey, provider: 'sdf' }, data)).toThrow(CryptoError);
    expect(() => new SoftwareCryptoProvider(Buffer.alloc(32, 9)).sm2Sign(privateKey, data)).toThrow(CryptoError);
  });

  it('produces signatures an independent implementation (OpenSSL 3) verifies, and refuses a changed document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm2-'));
    try {
      writeFileSync(join(dir, 'pub.der'), Buffer.concat([SM2_SPKI_PREFIX, Buffer.from(publicKey, 'hex')]));
      writeFileSync(join(dir, 'data.bin'), data);
      writeFileSync(join(dir, 'sig.der'), provider.sm2Sign(privateKey, data));
      expect(opensslSm2Verify(dir)).toBe(true);
      writeFileSync(join(dir, 'data.bin'), Buffer.concat([data, Buffer.from('x')]));
      expect(opensslSm2Verify(dir)).toBe(false);
      // A missing tool is an error, never a failed verification.
      expect(() => opensslSm2Verify(dir, '/nonexistent/openssl')).toThrow(/could not be run/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('encrypts in every ciphertext layout and converts between them', () => {
    const formats: Sm2CiphertextFormat[] = [
      { order: 'C1C3C2', prefix04: true },
      { order: 'C1C3C2', prefix04: false },
      { order: 'C1C2C3', prefix04: true },
      { order: 'C1C2C3', prefix04: false },
    ];
    const secret = Buffer.from('一次一密 session key 0123456789abcdef');
    for (const format of formats) {
      const c = provider.sm2Encrypt(publicKey, secret, format);
      expect(c.length).toBe(secret.length + 96 + (format.prefix04 ? 1 : 0));
      if (format.prefix04) expect(c[0]).toBe(0x04);
      expect(provider.sm2Decrypt(privateKey, c, format).equals(secret)).toBe(true);
      for (const other of formats)
        expect(provider.sm2Decrypt(privateKey, convertSm2Ciphertext(c, format, other), other).equals(secret)).toBe(true);
    }
    const c = provider.sm2Encrypt(publicKey, secret);
    // Read in the wrong order, the C3 check fails: no silent garbage.
    expect(() => provider.sm2Decrypt(privateKey, c, { order: 'C1C2C3', prefix04: true })).toThrow(CryptoError);
    expect(() => provider.sm2Decrypt(privateKey, c.subarray(1), { order: 'C1C3C2', prefix04: true })).toThrow(/04/);
  });
});
