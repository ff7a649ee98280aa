// 电子证照 (e-licence): what other modules and the service definition may use. Everything else is internal.
export { LicenceModule } from './lib/licence.module.js';
export { LICENCE_ENTITIES, LICENCE_MIGRATIONS } from './lib/licence.schema.js';
export { LicenceConfig } from './lib/licence.config.js';
export { LicenceLifecycleService } from './lib/licence-lifecycle.service.js';
export { DEMO_CITIZENS, DEMO_COMPANIES, DEMO_LICENCE_TYPES } from './lib/demo-licences.seed.js';
export { Licence } from './lib/licence.entity.js';
export { LicenceAccessLog } from './lib/licence-access-log.entity.js';
