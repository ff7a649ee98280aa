import { LicenceByHolderInput, LicenceByHolderReply } from './licence.messages.js';
import { Topic } from './topics.enum.js';

/** A capability published through service dispatch (a static catalogue until the registry exists). */
export interface CapabilityDescriptor {
  /** Stable code used in URLs: `/v1/capabilities/<code>/invoke`. */
  code: string;
  version: string;
  name: string;
  description: string;
  ownerDepartment: string;
  /** Request-reply topic served by the provider. */
  topic: Topic;
  input: new () => object;
  output: new () => object;
  /** How long dispatch waits for the provider before answering 504. */
  timeoutMs: number;
  /** Whether the operation may be retried without a second effect. */
  idempotent: boolean;
  example: object;
}

export const CAPABILITIES: readonly CapabilityDescriptor[] = [
  {
    code: 'e-licence.query-by-holder',
    version: '1',
    name: '按持证主体查询电子证照',
    description: 'Lists the e-licences held by a citizen (ID number) or a company (credit code).',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.LicenceQueryByHolder,
    input: LicenceByHolderInput,
    output: LicenceByHolderReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { holderType: 'person', holderId: '11010519491231002X' },
  },
];

export function findCapability(code: string): CapabilityDescriptor | undefined {
  return CAPABILITIES.find((c) => c.code === code);
}
