import { ArchiveEntry, ArchivePackage, ArchiveSigningKey } from './archive.entities.js';
import { CreateArchive1763801300000 } from './migrations/1763801300000-create-archive.migration.js';

/** The tables the e-archive module owns; no other module reads or writes them. */
export const ARCHIVE_ENTITIES = [ArchivePackage, ArchiveEntry, ArchiveSigningKey];

/** Its migrations, each with up and down. */
export const ARCHIVE_MIGRATIONS = [CreateArchive1763801300000];
