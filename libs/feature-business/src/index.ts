export * from './lib/business-platform.service.js';
export * from './lib/business-platform.module.js';
