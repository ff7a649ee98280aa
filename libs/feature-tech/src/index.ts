export * from './lib/tech-capabilities.service.js';
export * from './lib/tech-capabilities.module.js';
export { DEMO_CITIZENS, DEMO_COMPANIES, DEMO_LICENCE_TYPES } from './lib/licence/demo-licences.seed.js';
export { DEMO_BUSINESS_CLIENT, DEMO_PERSON, DEMO_PORTALS, DEMO_STAFF } from './lib/identity/demo-clients.seed.js';
export { Licence } from './lib/licence/licence.entity.js';
export { LicenceAccessLog } from './lib/licence/licence-access-log.entity.js';
export { DEMO_ISSUER_SEAL, DEMO_SEAL } from './lib/seal/demo-seal.seed.js';
export { LicenceLifecycleService } from './lib/licence/licence-lifecycle.service.js';
