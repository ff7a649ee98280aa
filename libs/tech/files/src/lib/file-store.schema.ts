import { FileBlob } from './file-blob.entity.js';
import { StoredFile } from './stored-file.entity.js';
import { CreateFileStore1763801200000 } from './migrations/1763801200000-create-file-store.migration.js';

/** The tables the file store module owns; no other module reads or writes them. */
export const FILE_STORE_ENTITIES = [StoredFile, FileBlob];

/** Its migrations, each with up and down. */
export const FILE_STORE_MIGRATIONS = [CreateFileStore1763801200000];
