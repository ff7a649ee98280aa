export * from './lib/dispatch.client.js';
export * from './lib/signature-schemes.js';
