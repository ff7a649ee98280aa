// 文件存储 (file store): what other modules and the service definition may use. Everything else is internal.
export { FileStoreModule } from './lib/file-store.module.js';
export { FILE_STORE_ENTITIES, FILE_STORE_MIGRATIONS } from './lib/file-store.schema.js';
export { FileStoreConfig } from './lib/file-store.config.js';
export { FileStoreService, UPLOAD_CONTENT_TYPES } from './lib/file-store.service.js';
