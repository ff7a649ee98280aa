import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import {
  CryptoError,
  type CryptoProvider,
  SM2_DEFAULT_USER_ID,
  type Sm2CiphertextFormat,
  type Sm2KeyPair,
  type WrappedPrivateKey,
} from './crypto-provider.js';
import { convertSm2Ciphertext, STANDARD_SM2_FORMAT } from './sm2-ciphertext.js';

const VERSION = 2;
const IV = 16;
const TAG = 32;
/** sm-crypto-v2's own layout: no `04`, order chosen by cipherMode (1 = C1C3C2). */
const LIBRARY_FORMAT: Sm2CiphertextFormat = { order: 'C1C3C2', prefix04: false };
const KEY_WRAP_LABEL = 'key-wrap:sm2';

/**
 * Software implementation of the crypto provider: SM3 and SM4 from Node's OpenSSL, SM2 from
 * sm-crypto-v2. Every symmetric key is derived from one master key (HKDF-SM3, label as info),
 * so keys never sit in the database; SM2 private keys leave it only wrapped (SM4 + HMAC-SM3
 * under the `key-wrap:sm2` key).
 */
export class SoftwareCryptoProvider implements CryptoProvider {
  readonly name = 'software';
  private readonly keys = new Map<string, { enc: Buffer; mac: Buffer; hmac: Buffer }>();

  /** `masterKey`: at least 32 random bytes (CRYPTO_MASTER_KEY). */
  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length < 32) throw new CryptoError('BAD_KEY', '主密钥至少 32 字节 (the master key must have at least 32 bytes)');
  }

  sm3(data: Uint8Array | string): Buffer {
    return createHash('sm3').update(data).digest();
  }

  hmacSm3(label: string, data: Uint8Array | string): Buffer {
    return createHmac('sm3', this.keysFor(label).hmac).update(data).digest();
  }

  encrypt(label: string, plaintext: Uint8Array | string, aad = ''): Buffer {
    const { enc, mac } = this.keysFor(label);
    const iv = randomBytes(IV);
    const cipher = createCipheriv('sm4-cbc', enc, iv);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const head = Buffer.from([VERSION]);
    return Buffer.concat([head, iv, body, envelopeTag(mac, head, iv, body, aad)]);
  }

  decrypt(label: string, envelope: Uint8Array, aad = ''): Buffer {
    const buf = Buffer.from(envelope);
    if (buf.length < 1 + IV + 16 + TAG || buf[0] !== VERSION) throw new CryptoError('BAD_INPUT', '密文格式无效 (malformed ciphertext)');
    const { enc, mac } = this.keysFor(label);
    const iv = buf.subarray(1, 1 + IV);
    const body = buf.subarray(1 + IV, buf.length - TAG);
    const tag = buf.subarray(buf.length - TAG);
    const expected = envelopeTag(mac, buf.subarray(0, 1), iv, body, aad);
    if (!timingSafeEqual(tag, expected)) throw new CryptoError('TAMPERED', '密文已被篡改或密钥不符 (ciphertext altered or wrong key)');
    const decipher = createDecipheriv('sm4-cbc', enc, iv);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  }

  generateSm2KeyPair(): Sm2KeyPair {
    const { publicKey, privateKey } = sm2.generateKeyPairHex();
    return {
      publicKey,
      privateKey: {
        provider: this.name,
        blob: this.encrypt(KEY_WRAP_LABEL, Buffer.from(privateKey, 'hex'), publicKey).toString('base64') + `.${publicKey}`,
      },
    };
  }

  sm2Sign(key: WrappedPrivateKey, data: Uint8Array, userId = SM2_DEFAULT_USER_ID): Buffer {
    const { privateKey, publicKey } = this.unwrap(key);
    return Buffer.from(sm2.doSignature(data, privateKey, { der: true, hash: true, userId, publicKey }), 'hex');
  }

  sm2Verify(publicKey: string, data: Uint8Array, signatureDer: Uint8Array, userId = SM2_DEFAULT_USER_ID): boolean {
    try {
      return sm2.doVerifySignature(data, Buffer.from(signatureDer).toString('hex'), publicKey, { der: true, hash: true, userId });
    } catch {
      return false;
    }
  }

  sm2Encrypt(publicKey: string, plaintext: Uint8Array, format: Sm2CiphertextFormat = STANDARD_SM2_FORMAT): Buffer {
    const raw = Buffer.from(sm2.doEncrypt(plaintext, publicKey, 1), 'hex');
    return convertSm2Ciphertext(raw, LIBRARY_FORMAT, format);
  }

  sm2Decrypt(key: WrappedPrivateKey, ciphertext: Uint8Array, format: Sm2CiphertextFormat = STANDARD_SM2_FORMAT): Buffer {
    const { privateKey } = this.unwrap(key);
    const raw = convertSm2Ciphertext(ciphertext, format, LIBRARY_FORMAT).toString('hex');
    const out = sm2.doDecrypt(raw, privateKey, 1, { output: 'array' });
    if (out.length === 0) throw new CryptoError('TAMPERED', 'SM2 密文校验失败 (SM2 ciphertext does not check)');
    return Buffer.from(out);
  }

  private unwrap(key: WrappedPrivateKey): { privateKey: string; publicKey: string } {
    if (key.provider !== this.name)
      throw new CryptoError('WRONG_PROVIDER', `密钥属于 ${key.provider} (the key belongs to another provider)`);
    const [blob, publicKey] = key.blob.split('.');
    if (!blob || !publicKey) throw new CryptoError('BAD_INPUT', '密钥格式无效 (malformed wrapped key)');
    return { privateKey: this.decrypt(KEY_WRAP_LABEL, Buffer.from(blob, 'base64'), publicKey).toString('hex'), publicKey };
  }

  /** Three independent keys per label: SM4 encryption, the envelope's MAC, and hmacSm3(). */
  private keysFor(label: string): { enc: Buffer; mac: Buffer; hmac: Buffer } {
    let keys = this.keys.get(label);
    if (!keys) {
      const derive = (use: string, length: number) =>
        Buffer.from(hkdfSync('sm3', this.masterKey, 'gmp-crypto-provider-v1', `${use}:${label}`, length));
      keys = { enc: derive('enc', 16), mac: derive('mac', 32), hmac: derive('hmac', 32) };
      this.keys.set(label, keys);
    }
    return keys;
  }
}

/** HMAC-SM3 over version, IV, ciphertext and the associated data with its length (an unambiguous encoding). */
function envelopeTag(mac: Buffer, head: Buffer, iv: Buffer, body: Buffer, aad: string): Buffer {
  const aadBytes = Buffer.from(aad, 'utf8');
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32BE(body.length, 0);
  lengths.writeUInt32BE(aadBytes.length, 4);
  return createHmac('sm3', mac).update(head).update(lengths).update(iv).update(body).update(aadBytes).digest();
}
