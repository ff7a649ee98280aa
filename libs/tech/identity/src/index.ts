// 统一身份认证 (identity): what other modules and the service definition may use. Everything else is internal.
export { IdentityProviderModule, TokenVerificationModule } from './lib/identity-provider.module.js';
export { IDENTITY_ENTITIES, IDENTITY_MIGRATIONS } from './lib/identity.schema.js';
export { IdentityConfig } from './lib/identity.config.js';
export { AccountsService } from './lib/accounts.service.js';
export { AgentsService } from './lib/agents.service.js';
export {
  DEMO_BUSINESS_CLIENT,
  DEMO_CASE_DEPARTMENTS,
  DEMO_CASE_OFFICER,
  DEMO_PERSON,
  DEMO_PORTALS,
  DEMO_STAFF,
} from './lib/demo-clients.seed.js';
