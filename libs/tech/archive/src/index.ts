// 电子档案 (e-archive): what the service definition may use. Everything else is internal.
export { ArchiveModule } from './lib/archive.module.js';
export { ARCHIVE_ENTITIES, ARCHIVE_MIGRATIONS } from './lib/archive.schema.js';
