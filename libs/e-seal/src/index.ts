export * from './lib/ses.asn1.js';
export * from './lib/sm2-certificate.js';
export * from './lib/ses.js';
export * from './lib/seal-picture.js';
export * from './lib/pdf-seal.js';
export * from './lib/e-seal.client.js';
export * from './lib/verifier-tools.js';
