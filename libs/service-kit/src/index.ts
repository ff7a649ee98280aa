export * from './lib/service-config.js';
export * from './lib/service-definition.js';
export * from './lib/problem.js';
export * from './lib/problem-details.filter.js';
export * from './lib/database.js';
export * from './lib/health.controller.js';
export * from './lib/internal-api.guard.js';
export * from './lib/service-bootstrap.js';
