export * from './lib/crypto-provider.js';
export * from './lib/sm2-ciphertext.js';
export * from './lib/software-crypto.provider.js';
