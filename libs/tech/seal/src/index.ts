// 电子印章 (e-seal): what other modules and the service definition may use. Everything else is internal.
export { SealModule } from './lib/seal.module.js';
export { SEAL_ENTITIES, SEAL_MIGRATIONS } from './lib/seal.schema.js';
export { SealService } from './lib/seal.service.js';
export { DEMO_ISSUER_SEAL, DEMO_SEAL, DEMO_SEED_APP, DemoSealSeed } from './lib/demo-seal.seed.js';
