/** Order of the parts of an SM2 ciphertext: GB/T 32918 (and BouncyCastle ≥ 1.61) use C1C3C2; older systems C1C2C3. */
export type Sm2CiphertextOrder = 'C1C3C2' | 'C1C2C3';

export interface Sm2CiphertextFormat {
  order: Sm2CiphertextOrder;
  /** Whether C1 (an uncompressed point) starts with the `04` byte; many JS libraries omit it, Java keeps it. */
  prefix04: boolean;
}

/** The signer id SM2 signatures use unless a profile says otherwise (GB/T 35276). */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

/**
 * A private SM2 key as the provider hands it out for storage: opaque. The software provider
 * returns the key encrypted under its key-wrapping key; a crypto machine returns a key index.
 * Owners store it and give it back to sign or decrypt; they never see the key itself.
 */
export interface WrappedPrivateKey {
  provider: string;
  /** Base64 of the wrapped key (software) or the key reference (hardware). */
  blob: string;
}

export interface Sm2KeyPair {
  /** Uncompressed public key, hex, `04` + x + y. */
  publicKey: string;
  privateKey: WrappedPrivateKey;
}

/**
 * The one interface for keys and cryptographic operations (GB/T 39786: keys inside a crypto
 * module). `SoftwareCryptoProvider` implements it now with Node's SM3/SM4 and sm-crypto-v2's
 * SM2; a crypto machine (服务器密码机, GM/T 0018 SDF) can implement it later without callers
 * changing. Symmetric keys are named by a label (e.g. `field:phone`, `key-wrap`): the provider
 * owns them.
 */
export interface CryptoProvider {
  readonly name: string;
  /** SM3 digest. */
  sm3(data: Uint8Array | string): Buffer;
  /** HMAC-SM3 under the provider's key for `label` (field integrity, keyed lookups). */
  hmacSm3(label: string, data: Uint8Array | string): Buffer;
  /** SM4-CBC then HMAC-SM3 (encrypt-then-MAC), under the keys for `label`; `aad` is bound but not encrypted. */
  encrypt(label: string, plaintext: Uint8Array | string, aad?: string): Buffer;
  /** Inverse of `encrypt`; throws CryptoError('TAMPERED') when the envelope or `aad` was changed. */
  decrypt(label: string, envelope: Uint8Array, aad?: string): Buffer;
  generateSm2KeyPair(): Sm2KeyPair;
  /** SM2 signature (SM3 with Z over the signer id) of `data`, DER `SEQUENCE { r, s }`. */
  sm2Sign(key: WrappedPrivateKey, data: Uint8Array, userId?: string): Buffer;
  sm2Verify(publicKey: string, data: Uint8Array, signatureDer: Uint8Array, userId?: string): boolean;
  sm2Encrypt(publicKey: string, plaintext: Uint8Array, format?: Sm2CiphertextFormat): Buffer;
  sm2Decrypt(key: WrappedPrivateKey, ciphertext: Uint8Array, format?: Sm2CiphertextFormat): Buffer;
}

export class CryptoError extends Error {
  constructor(
    readonly code: 'TAMPERED' | 'BAD_KEY' | 'BAD_INPUT' | 'WRONG_PROVIDER',
    message: string,
  ) {
    super(message);
  }
}
