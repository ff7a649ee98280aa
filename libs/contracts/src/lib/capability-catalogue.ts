import { LicenceByHolderInput, LicenceByHolderReply } from './licence.messages.js';
import {
  CheckAgentInput,
  CheckAgentReply,
  IntrospectTokenInput,
  IntrospectTokenReply,
  ResolveLegalPersonInput,
  ResolveLegalPersonReply,
  VerifyRealNameInput,
  VerifyRealNameReply,
} from './identity.messages.js';
import { SendNotificationInput, SendNotificationReply } from './notification.messages.js';
import {
  LicenceChangeInput,
  LicenceChangeReply,
  LicenceIdInput,
  LicenceIssueInput,
  LicenceIssueReply,
  LicencePdfReply,
  LicenceRecordReply,
  LicenceUseGrantInput,
  LicenceUseGrantReply,
  LicenceUseWithdrawInput,
  LicenceUseWithdrawReply,
  LicenceVerifyReply,
} from './licence-lifecycle.messages.js';
import { CalendarCountInput, CalendarCountReply, CalendarDeadlineInput, CalendarDeadlineReply } from './calendar.messages.js';
import { SealPdfInput, SealPdfReply, SealSignDataInput, SealSignDataReply, SealVerifyInput, SealVerifyReply } from './seal.messages.js';
import { ArchiveDepositInput, ArchiveDepositReply, ArchiveVerifyInput, ArchiveVerifyReply } from './archive.messages.js';
import {
  DataExistsInput,
  DataExistsReply,
  DataItemInput,
  DataItemReply,
  DataDisputeInput,
  DataDisputeReply,
  DataPrefillInput,
  DataPrefillReply,
  DataReadInput,
  DataReadReply,
  MyDataUsageInput,
  MyDataUsageReply,
} from './data-sharing.messages.js';
import {
  MyCaseInput,
  MyCaseReply,
  MyCasesInput,
  MyCasesReply,
  MyPoliciesInput,
  MyPoliciesReply,
  ObjectPolicyInput,
  PolicyOffer,
  RateCaseInput,
  RateCaseReply,
  WithdrawCaseInput,
} from './business-applicant.messages.js';
import { Topic } from './topics.enum.js';
import type { AnnouncedCapability } from './capability-registry.messages.js';
import { jsonSchemaOf } from './capability-schema.util.js';
import { contractOf } from './topic-registry.js';

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
  {
    code: 'identity.verify-real-name',
    version: '1',
    name: '实名核验',
    description: 'Whether a name matches a citizen ID number, checked against the population base library.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.IdentityVerifyRealName,
    input: VerifyRealNameInput,
    output: VerifyRealNameReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { name: '张三', idNumber: '11010519491231002X' },
  },
  {
    code: 'identity.check-agent',
    version: '1',
    name: '经办人授权核验',
    description: 'Whether a person is authorised, now, to act for a company in a scope (revocation takes effect at once).',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.IdentityCheckAgent,
    input: CheckAgentInput,
    output: CheckAgentReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { agentIdNumber: '11010519491231002X', companyCreditCode: '91320100MA1XK2Q84P', scope: 'licence:read' },
  },
  {
    code: 'identity.introspect-token',
    version: '1',
    name: '令牌核验',
    description: 'Whether an access token of the platform is valid now, and what it says (client, subject, scopes, level of assurance).',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.IdentityIntrospectToken,
    input: IntrospectTokenInput,
    output: IntrospectTokenReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { token: 'eyJhbGciOiJSUzI1NiIs…' },
  },
  {
    code: 'identity.resolve-legal-person',
    version: '1',
    name: '法人及经办人查询',
    description: 'A legal person by credit code and its agents authorised now (masked ID numbers).',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.IdentityResolveLegalPerson,
    input: ResolveLegalPersonInput,
    output: ResolveLegalPersonReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { creditCode: '91320100MA1XK2Q84P' },
  },
  {
    code: 'notification.send',
    version: '1',
    name: '消息通知',
    description: 'Sends a templated SMS, e-mail or in-app message; accepted at once, delivered from an outbox with retries.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.NotificationSend,
    input: SendNotificationInput,
    output: SendNotificationReply,
    timeoutMs: 3000,
    idempotent: false,
    example: {
      channel: 'sms',
      to: '13800138000',
      template: 'case-accepted',
      params: { matter: '个体工商户设立登记', caseNo: 'JS20261122000123', dueDate: '2026-11-27' },
    },
  },
  {
    code: 'archive.deposit',
    version: '1',
    name: '电子档案归档',
    description:
      "Archives a case's records (structured records and stored files) as one package: entries hash-chained with SM3, the head signed with SM2, kept for its retention period.",
    ownerDepartment: '省档案局 (provincial archives bureau)',
    topic: Topic.ArchiveDeposit,
    input: ArchiveDepositInput,
    output: ArchiveDepositReply,
    timeoutMs: 10000,
    idempotent: false,
    example: {
      caseId: 'JS20261122000123',
      title: '个体工商户设立登记 张三',
      retentionYears: 30,
      entries: [
        { kind: 'application', title: '申请表', record: { name: '张三', business: '便利店' } },
        { kind: 'decision', title: '准予登记决定书', record: { result: '准予登记' } },
      ],
    },
  },
  {
    code: 'archive.verify',
    version: '1',
    name: '电子档案核验',
    description: 'Recomputes an archived package (every entry, the chain, the signature) and lists any change.',
    ownerDepartment: '省档案局 (provincial archives bureau)',
    topic: Topic.ArchiveVerify,
    input: ArchiveVerifyInput,
    output: ArchiveVerifyReply,
    timeoutMs: 10000,
    idempotent: true,
    example: { packageId: '3f0c5c9e-3a51-4d2b-9d0e-6b1e2a7f4c11' },
  },
  {
    code: 'calendar.deadline',
    version: '1',
    name: '工作日期限计算',
    description:
      'The day a time limit of N working days ends, counted from the day after `from` over the official holiday arrangements (放假) and make-up working days (调休上班) in the calendar.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.CalendarDeadline,
    input: CalendarDeadlineInput,
    output: CalendarDeadlineReply,
    timeoutMs: 2000,
    idempotent: true,
    example: { from: '2026-09-30', workingDays: 5 },
  },
  {
    code: 'calendar.count',
    version: '1',
    name: '工作日计数',
    description: 'How many working days lie after `from` up to and including `to` (elapsed time of a case, overdue checks).',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.CalendarCount,
    input: CalendarCountInput,
    output: CalendarCountReply,
    timeoutMs: 2000,
    idempotent: true,
    example: { from: '2026-09-30', to: '2026-10-16' },
  },
  {
    code: 'e-seal.sign-data',
    version: '1',
    name: '电子印章数据签章',
    description:
      'Signs data with an electronic seal the calling app may use: a GB/T 38540 SES_Signature (SM2 with SM3). Every use is logged.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.SealSignData,
    input: SealSignDataInput,
    output: SealSignDataReply,
    timeoutMs: 5000,
    idempotent: false,
    example: { sealId: '6b9a4a0e-8f6e-4d3b-9a3c-2f1d7c5e8a10', data: '5paw5Lu25pWw5o2u', propertyInfo: 'licence-record' },
  },
  {
    code: 'e-seal.seal-pdf',
    version: '1',
    name: 'PDF 盖章',
    description:
      'Puts a seal the calling app may use on a PDF: the seal picture on the page and a PAdES signature ordinary PDF readers verify. Every use is logged.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.SealPdf,
    input: SealPdfInput,
    output: SealPdfReply,
    timeoutMs: 10000,
    idempotent: false,
    example: { sealId: '6b9a4a0e-8f6e-4d3b-9a3c-2f1d7c5e8a10', pdf: 'JVBERi0xLjcK…' },
  },
  {
    code: 'e-seal.verify',
    version: '1',
    name: '验章',
    description:
      'Verifies a GB/T 38540 signature over data, or a sealed PDF: signature valid, document unchanged, seal registered, valid and not revoked at signing time.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.SealVerify,
    input: SealVerifyInput,
    output: SealVerifyReply,
    timeoutMs: 5000,
    idempotent: true,
    example: { pdf: 'JVBERi0xLjcK…' },
  },
  {
    code: 'e-licence.issue',
    version: '1',
    name: '电子证照签发',
    description:
      "Issues an e-licence from structured data: a GB/T 36904 identifier, the record checked against the type's data schema and signed (GB/T 38540) with the issuing authority's seal.",
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.LicenceIssue,
    input: LicenceIssueInput,
    output: LicenceIssueReply,
    timeoutMs: 5000,
    idempotent: false,
    example: {
      typeCode: '11100000000013338W041',
      holderType: 'company',
      holderId: '91320100MA1XK2Q84P',
      holderName: '南京示例科技有限公司',
      data: { legalRepresentative: '张三', registeredCapital: '100万元', businessScope: '软件开发' },
      sealId: '7c2d9a4e-3b1f-4e8a-9d6c-1a5b8e2f4c30',
    },
  },
  {
    code: 'e-licence.get',
    version: '1',
    name: '按证照标识查询',
    description:
      'A licence by its GB/T 36904 identifier: record, status, annotations, signature. Recorded as an access to the holder’s data.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.LicenceGet,
    input: LicenceIdInput,
    output: LicenceRecordReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { licenceId: '1.2.156.3005.2.11100000000013338W041.11320000014000000P.1001.001.X' },
  },
  {
    code: 'e-licence.get-pdf',
    version: '1',
    name: '电子证照版式文件',
    description:
      'The licence as issued: a one-page PDF (Chinese text, data items) with the issuing authority’s visible seal and PAdES signature. Same access rule as e-licence.get; recorded as an access to the holder’s data.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.LicenceGetPdf,
    input: LicenceIdInput,
    output: LicencePdfReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { licenceId: '1.2.156.3005.2.11100000000013338W041.11320000014000000P.1001.001.X' },
  },
  {
    code: 'e-licence.verify',
    version: '1',
    name: '电子证照核验',
    description:
      'Verifies a licence: identifier check character, the seal signature over the record, the seal valid and not revoked, the licence not revoked or expired.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.LicenceVerify,
    input: LicenceIdInput,
    output: LicenceVerifyReply,
    timeoutMs: 5000,
    idempotent: true,
    example: { licenceId: '1.2.156.3005.2.11100000000013338W041.11320000014000000P.1001.001.X' },
  },
  {
    code: 'e-licence.change',
    version: '1',
    name: '电子证照注销、加注',
    description:
      'Revokes a licence or adds an annotation (加注件), by an app allowed to use the issuing seal; announced to the data platform.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.LicenceChange,
    input: LicenceChangeInput,
    output: LicenceChangeReply,
    timeoutMs: 5000,
    idempotent: false,
    example: { licenceId: '1.2.156.3005.2.11100000000013338W041.11320000014000000P.1001.001.X', action: 'annotate', text: '经营范围变更' },
  },
  {
    code: 'e-licence.authorise-use',
    version: '1',
    name: '用证授权',
    description:
      "The holder, signed in (a user token), lets an app use one or all of their licences for a purpose or case until a time; the app's lookups then need no declared legal basis.",
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.LicenceAuthoriseUse,
    input: LicenceUseGrantInput,
    output: LicenceUseGrantReply,
    timeoutMs: 3000,
    idempotent: false,
    example: { grantee: 'js-market-supervision', purpose: '个体工商户设立登记', validUntil: '2026-12-31T23:59:59Z' },
  },
  {
    code: 'e-licence.withdraw-use',
    version: '1',
    name: '撤回用证授权',
    description: 'The holder withdraws a use authorisation; it stops at once.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.LicenceWithdrawUse,
    input: LicenceUseWithdrawInput,
    output: LicenceUseWithdrawReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { authorisationId: '0b5f3c1e-4b7d-4e8a-9c2f-1a6d3e5b7c90' },
  },
  {
    code: 'data.read',
    version: '1',
    name: '共享数据读取',
    description:
      'The items of a subject’s record that an approved sharing application (grantId) grants the calling app, masked by grade unless the grant allows plain values. Each read is in the subject’s “who used my data”.',
    ownerDepartment: '省大数据管理中心 (provincial big-data centre)',
    topic: Topic.DataRead,
    input: DataReadInput,
    output: DataReadReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { grantId: '6f1c2a4e-0000-4000-8000-000000000000', subjectId: '11010519491231002X' },
  },
  {
    code: 'data.exists',
    version: '1',
    name: '数据存在性核验',
    description:
      'Whether the subject has a record (matching the given granted items): yes or no, nothing else — e.g. to verify a commitment (告知承诺).',
    ownerDepartment: '省大数据管理中心 (provincial big-data centre)',
    topic: Topic.DataExists,
    input: DataExistsInput,
    output: DataExistsReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { grantId: '6f1c2a4e-0000-4000-8000-000000000000', subjectId: '11010519491231002X', match: { hjzt: 'normal' } },
  },
  {
    code: 'data.item',
    version: '1',
    name: '单项数据读取',
    description: 'One granted item of a subject’s record (masked by grade unless the grant allows plain values).',
    ownerDepartment: '省大数据管理中心 (provincial big-data centre)',
    topic: Topic.DataItem,
    input: DataItemInput,
    output: DataItemReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { grantId: '6f1c2a4e-0000-4000-8000-000000000000', subjectId: '11010519491231002X', item: 'hjdz' },
  },
  {
    code: 'data.prefill',
    version: '1',
    name: '表单预填（免填写）',
    description:
      'For a subject and a form’s data elements (数据元), the values the calling app’s current grants cover, each with its provenance (resource, department, updated at, verified) and a lock; every element not filled with its reason. Each resource read is in the subject’s “who used my data”.',
    ownerDepartment: '省大数据管理中心 (provincial big-data centre)',
    topic: Topic.DataPrefill,
    input: DataPrefillInput,
    output: DataPrefillReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { subjectId: '11010519491231002X', dataElements: ['DE00002', 'DE00006'] },
  },
  {
    code: 'data.dispute',
    version: '1',
    name: '数据纠错申请',
    description:
      'The signed-in applicant disputes a prefilled value (a resource’s data element): a correction request to the department that provides the resource, due in 10 working days; while it is open, prefill marks the element disputed. Only with the person’s own user token (or a company’s agent with data:correct); the same element disputed again returns the open request.',
    ownerDepartment: '省大数据管理中心 (provincial big-data centre)',
    topic: Topic.DataDispute,
    input: DataDisputeInput,
    output: DataDisputeReply,
    // identity (2 s at most) then the calendar (2 s at most, then the weekday rule)
    timeoutMs: 6000,
    idempotent: true,
    example: {
      resourceCode: 'JS-GA-RK-0001',
      dataElement: 'DE00006',
      proposedValue: '南京市玄武区珠江路1号',
      reason: '已迁入新址，户籍地址未更新',
    },
  },
  {
    code: 'data.my-usage',
    version: '1',
    name: '我的数据使用记录',
    description:
      'The signed-in person’s own “who used my data”: every read and refusal of their data — which app, for whom, why, on what basis, in which case. Only with the person’s own user token; there is no subject in the input.',
    ownerDepartment: '省大数据管理中心 (provincial big-data centre)',
    topic: Topic.DataMyUsage,
    input: MyDataUsageInput,
    output: MyDataUsageReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { limit: 50 },
  },
  {
    code: 'case.mine',
    version: '1',
    name: '我的办件',
    description:
      'The signed-in applicant’s own cases of 一件事 (or, with `company`, a company’s, for its agent authorised for case:manage): status, committed due day and what they must still do. Only with the person’s own user token; there is no subject in the input.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.BusinessMyCases,
    input: MyCasesInput,
    output: MyCasesReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { limit: 20 },
  },
  {
    code: 'case.get-mine',
    version: '1',
    name: '我的办件详情',
    description:
      'One of the signed-in applicant’s cases: each department’s part, what was sent back to correct, the timeline. Another person’s case number answers 404.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.BusinessMyCase,
    input: MyCaseInput,
    output: MyCaseReply,
    timeoutMs: 3000,
    idempotent: true,
    example: { caseNo: 'YJS20261205000001' },
  },
  {
    code: 'case.rate',
    version: '1',
    name: '好差评',
    description:
      'The signed-in applicant rates a settled case, or a department’s decided part, on five levels with optional reasons — once each. A bad rating (1–2) opens a rectification for the department, due in working days.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.BusinessRateCase,
    input: RateCaseInput,
    output: RateCaseReply,
    timeoutMs: 5000,
    idempotent: false,
    example: { caseNo: 'YJS20261205000001', matterCode: '11320100MB1234567X4000001000', score: 2, reasons: ['办理时间长'] },
  },
  {
    code: 'policy.mine',
    version: '1',
    name: '我的政策（免申即享）',
    description:
      'The policies offered to the signed-in person (or, with `company`, a company’s, for its agent authorised for policy:manage) because a tag they gained makes them eligible (免申即享, 政策直达), with why they matched (the eligibility, since when, the tag and its rule version). Only with the person’s own user token.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.BusinessMyPolicies,
    input: MyPoliciesInput,
    output: MyPoliciesReply,
    timeoutMs: 3000,
    idempotent: true,
    example: {},
  },
  {
    code: 'policy.object',
    version: '1',
    name: '拒绝政策推送',
    description: 'The signed-in person objects to a policy offer: it is marked objected and never pushed to them again.',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.BusinessObjectPolicy,
    input: ObjectPolicyInput,
    output: PolicyOffer,
    timeoutMs: 3000,
    idempotent: true,
    example: { policyCode: 'JS-ZC-YEBT', reason: '不需要' },
  },
  {
    code: 'case.withdraw',
    version: '1',
    name: '撤回申请',
    description:
      'The signed-in applicant withdraws a case still in progress: parts not yet decided are stopped (their departments told), decided ones stay; a case already settled cannot be withdrawn (409).',
    ownerDepartment: '省政务服务管理办公室 (provincial government-services office)',
    topic: Topic.BusinessWithdrawCase,
    input: WithdrawCaseInput,
    output: MyCaseReply,
    timeoutMs: 5000,
    idempotent: true,
    example: { caseNo: 'YJS20261205000001', reason: '已在其他渠道办理' },
  },
];

/** A capability by code — the given version, or the highest one. */
export function findCapability(code: string, version?: string): CapabilityDescriptor | undefined {
  const all = CAPABILITIES.filter((c) => c.code === code);
  if (version !== undefined) return all.find((c) => c.version === version);
  return all.sort((a, b) => Number(b.version) - Number(a.version))[0];
}

/** What a provider announces at start-up: its capabilities with their JSON Schemas (see jsonSchemaOf). */
export function capabilitiesOf(provider: string): AnnouncedCapability[] {
  return CAPABILITIES.filter((c) => contractOf(c.topic)?.owner === provider).map((c) => ({
    code: c.code,
    version: c.version,
    name: c.name,
    description: c.description,
    ownerDepartment: c.ownerDepartment,
    topic: c.topic,
    timeoutMs: c.timeoutMs,
    idempotent: c.idempotent,
    inputSchema: jsonSchemaOf(c.input, { closed: true }),
    outputSchema: jsonSchemaOf(c.output),
    ...(c.example ? { example: c.example as Record<string, unknown> } : {}),
  }));
}

/** How long a caller waits for a request of this type (the capability's timeout; 30 s for internal types). */
export function requestTimeoutOf(type: string): number {
  const timeouts = CAPABILITIES.filter((c) => c.topic === type).map((c) => c.timeoutMs);
  return timeouts.length > 0 ? Math.max(...timeouts) : 30_000;
}
