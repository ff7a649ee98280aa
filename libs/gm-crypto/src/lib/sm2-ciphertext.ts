import { CryptoError, type Sm2CiphertextFormat } from './crypto-provider.js';

/** The platform's canonical SM2 ciphertext: GB/T 32918.4 order with the `04` prefix (what BouncyCastle emits). */
export const STANDARD_SM2_FORMAT: Sm2CiphertextFormat = { order: 'C1C3C2', prefix04: true };

const C1 = 64; // x || y, 32 bytes each
const C3 = 32; // SM3 digest

/** Rewrites an SM2 ciphertext from one layout to another (order of C2/C3, `04` prefix). */
export function convertSm2Ciphertext(ciphertext: Uint8Array, from: Sm2CiphertextFormat, to: Sm2CiphertextFormat): Buffer {
  const buf = Buffer.from(ciphertext);
  let body = buf;
  if (from.prefix04) {
    if (buf[0] !== 0x04) throw new CryptoError('BAD_INPUT', 'SM2 密文缺少 04 前缀 (SM2 ciphertext lacks the 04 prefix)');
    body = buf.subarray(1);
  }
  if (body.length < C1 + C3 + 1) throw new CryptoError('BAD_INPUT', 'SM2 密文过短 (SM2 ciphertext too short)');
  const c1 = body.subarray(0, C1);
  const [c2, c3] =
    from.order === 'C1C3C2'
      ? [body.subarray(C1 + C3), body.subarray(C1, C1 + C3)]
      : [body.subarray(C1, body.length - C3), body.subarray(body.length - C3)];
  const parts = to.order === 'C1C3C2' ? [c1, c3, c2] : [c1, c2, c3];
  return Buffer.concat([...(to.prefix04 ? [Buffer.from([0x04])] : []), ...parts]);
}
