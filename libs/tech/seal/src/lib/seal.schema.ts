import { Seal, SealCa, SealGrant, SealMaker, SealUse } from './seal.entities.js';
import { CreateSeals1763801500000 } from './migrations/1763801500000-create-seals.migration.js';
import { SealCa1763802300000 } from './migrations/1763802300000-seal-ca.migration.js';

/** The tables the e-seal module owns; no other module reads or writes them. */
export const SEAL_ENTITIES = [Seal, SealGrant, SealUse, SealMaker, SealCa];

/** Its migrations, each with up and down. */
export const SEAL_MIGRATIONS = [CreateSeals1763801500000, SealCa1763802300000];
