export * from './lib/tech-capabilities.service.js';
export * from './lib/tech-capabilities.module.js';
// What the tests and the standalone start use, re-exported from the capability libraries.
export { DEMO_CITIZENS, DEMO_COMPANIES, DEMO_LICENCE_TYPES, Licence, LicenceAccessLog, LicenceLifecycleService } from '@gmp/tech-licence';
export { DEMO_BUSINESS_CLIENT, DEMO_CASE_DEPARTMENTS, DEMO_CASE_OFFICER, DEMO_PERSON, DEMO_PORTALS, DEMO_STAFF } from '@gmp/tech-identity';
export { DEMO_ISSUER_SEAL, DEMO_SEAL } from '@gmp/tech-seal';
