export * from './lib/request-context.js';
export * from './lib/json-logger.js';
export * from './lib/tracing.js';
