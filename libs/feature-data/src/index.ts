export * from './lib/data-platform.service.js';
export * from './lib/data-platform.module.js';
export { DataAccessRecord } from './lib/data-access/data-access-record.entity.js';
