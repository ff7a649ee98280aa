export * from './lib/service-harness.js';
