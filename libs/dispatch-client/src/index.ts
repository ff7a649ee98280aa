export * from './lib/dispatch.client.js';
