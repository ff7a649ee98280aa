import type { CapabilityVersion } from './capability-version.entity.js';

/** A capability version as the catalogue lists it. */
export const capabilitySummary = (c: CapabilityVersion) => ({
  code: c.code,
  version: c.version,
  name: c.name,
  description: c.description,
  ownerDepartment: c.ownerDepartment,
  timeoutMs: c.timeoutMs,
  idempotent: c.idempotent,
  status: c.status,
  visibility: c.visibility,
  example: c.example,
});
/** …and with its schemas, as one capability's page shows it. */
export const capabilityDetail = (c: CapabilityVersion) => ({
  ...capabilitySummary(c),
  provider: c.provider,
  inputSchema: c.inputSchema,
  outputSchema: c.outputSchema,
  announcedAt: c.announcedAt.toISOString(),
  ...(c.statusReason ? { statusReason: c.statusReason } : {}),
});
