export * from './lib/principal.js';
export * from './lib/platform-identity.js';
export * from './lib/data-scope.js';
export * from './lib/access-token.verifier.js';
export * from './lib/jwks-key.store.js';
export * from './lib/access-token.guard.js';
export * from './lib/identity.module.js';
