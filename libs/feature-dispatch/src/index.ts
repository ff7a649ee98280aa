export * from './lib/service-dispatch.service.js';
export * from './lib/service-dispatch.module.js';
export { DEMO_APP_KEY } from './lib/apps/demo-app.seed.js';
export { BusinessApp } from './lib/apps/business-app.entity.js';
export { hashSecret } from './lib/apps/secret-hash.util.js';
export { CallAudit } from './lib/audit/call-audit.service.js';
export { CallAuditChain, CallAuditEntry } from './lib/audit/call-audit.entities.js';
export { IdempotencyService } from './lib/invoke/idempotency.service.js';
export { DEMO_LEGAL_BASES } from './lib/legal-bases/demo-legal-bases.seed.js';
