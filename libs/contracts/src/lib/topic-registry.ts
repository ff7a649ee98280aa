import { CapabilitiesAnnouncedEvent } from './capability-registry.messages.js';
import { LicenceAccessedEvent, LicenceByHolderReply, LicenceByHolderRequest } from './licence.messages.js';
import {
  CheckAgentReply,
  CheckAgentRequest,
  IntrospectTokenReply,
  IntrospectTokenRequest,
  ResolveLegalPersonReply,
  ResolveLegalPersonRequest,
  SubjectOfAccountReply,
  SubjectOfAccountRequest,
  DepartmentsByNameReply,
  DepartmentsByNameRequest,
  VerifyRealNameReply,
  VerifyRealNameRequest,
} from './identity.messages.js';
import { PopulationVerifyReply, PopulationVerifyRequest } from './population.messages.js';
import { DataRecordPublishedEvent } from './data-records.messages.js';
import {
  DataExistsReply,
  DataExistsRequest,
  DataItemReply,
  DataItemRequest,
  DataDisputeReply,
  DataDisputeRequest,
  DataPrefillReply,
  DataPrefillRequest,
  MyDataUsageReply,
  MyDataUsageRequest,
  DataReadReply,
  DataReadRequest,
  DataSharingChangedEvent,
} from './data-sharing.messages.js';
import { DataTagChangedEvent, DryRunTagReply, PublishTagReply, TagRuleRequest } from './data-tags.messages.js';
import { DataElementsReply, DataElementsRequest } from './data-catalogue.messages.js';
import { CasePartDecidedEvent, CasePartDispatchedEvent, CasePartOverdueEvent } from './business-cases.messages.js';
import {
  CasePartWithdrawnEvent,
  MyCaseReply,
  MyCaseRequest,
  MyCasesReply,
  MyCasesRequest,
  MyPoliciesReply,
  MyPoliciesRequest,
  ObjectPolicyRequest,
  PolicyOffer,
  RateCaseReply,
  RateCaseRequest,
  WithdrawCaseRequest,
} from './business-applicant.messages.js';
import {
  LicenceByIdRequest,
  LicenceChangedEvent,
  LicenceChangeReply,
  LicenceChangeRequest,
  LicenceIssueReply,
  LicenceIssueRequest,
  LicencePdfReply,
  LicenceRecordReply,
  LicenceUseGrantReply,
  LicenceUseGrantRequest,
  LicenceUseWithdrawReply,
  LicenceUseWithdrawRequest,
  LicenceVerifyReply,
} from './licence-lifecycle.messages.js';
import {
  SealPdfReply,
  SealPdfRequest,
  SealSignDataReply,
  SealSignDataRequest,
  SealVerifyReply,
  SealVerifyRequest,
} from './seal.messages.js';
import { SendNotificationReply, SendNotificationRequest } from './notification.messages.js';
import { ArchiveDepositReply, ArchiveDepositRequest, ArchiveVerifyReply, ArchiveVerifyRequest } from './archive.messages.js';
import { CalendarCountReply, CalendarCountRequest, CalendarDeadlineReply, CalendarDeadlineRequest } from './calendar.messages.js';
import { requestTopicOf, Topic } from './topics.enum.js';

type MessageClass = new () => object;

export interface TopicContract {
  topic: Topic;
  kind: 'request' | 'event';
  /** Class every consumer validates the record's value against. */
  message: MessageClass;
  /** Class of the reply (request-reply topics only); validated by the caller. */
  reply?: MessageClass;
  /** Service that consumes (requests) or produces (events) it. */
  owner: string;
  description: string;
  /**
   * Events only: each record's effect is independent of the others' (e.g. one audit row per
   * event), so a consumer may handle a fetched batch concurrently instead of in partition order.
   */
  unordered?: boolean;
}

/** The wire, in one table: docs/topics.md is written from it. */
export const TOPIC_CONTRACTS: Readonly<Record<Topic, TopicContract>> = {
  [Topic.LicenceQueryByHolder]: {
    topic: Topic.LicenceQueryByHolder,
    kind: 'request',
    message: LicenceByHolderRequest,
    reply: LicenceByHolderReply,
    owner: 'tech-capabilities',
    description: '按持证主体查询电子证照 (e-licences held by a citizen or a company)',
  },
  [Topic.LicenceAccessed]: {
    topic: Topic.LicenceAccessed,
    kind: 'event',
    message: LicenceAccessedEvent,
    owner: 'tech-capabilities',
    description: '电子证照数据被读取 (licence data of a subject was read) → data-access audit',
    unordered: true,
  },
  [Topic.IdentityVerifyRealName]: {
    topic: Topic.IdentityVerifyRealName,
    kind: 'request',
    message: VerifyRealNameRequest,
    reply: VerifyRealNameReply,
    owner: 'tech-capabilities',
    description: '实名核验 (does a name match an ID number)',
  },
  [Topic.IdentityCheckAgent]: {
    topic: Topic.IdentityCheckAgent,
    kind: 'request',
    message: CheckAgentRequest,
    reply: CheckAgentReply,
    owner: 'tech-capabilities',
    description: '经办人授权核验 (may a person act for a company in a scope)',
  },
  [Topic.IdentityIntrospectToken]: {
    topic: Topic.IdentityIntrospectToken,
    kind: 'request',
    message: IntrospectTokenRequest,
    reply: IntrospectTokenReply,
    owner: 'tech-capabilities',
    description: '令牌核验 (introspect an access token)',
  },
  [Topic.IdentityResolveLegalPerson]: {
    topic: Topic.IdentityResolveLegalPerson,
    kind: 'request',
    message: ResolveLegalPersonRequest,
    reply: ResolveLegalPersonReply,
    owner: 'tech-capabilities',
    description: '法人及经办人查询 (a legal person and its current agents)',
  },
  [Topic.DataPopulationVerify]: {
    topic: Topic.DataPopulationVerify,
    kind: 'request',
    message: PopulationVerifyRequest,
    reply: PopulationVerifyReply,
    owner: 'data-platform',
    description: '人口基础库核验 (does the population base hold this ID number under this name); used by identity real-name checks',
  },
  [Topic.DataRecordPublished]: {
    topic: Topic.DataRecordPublished,
    kind: 'event',
    message: DataRecordPublishedEvent,
    owner: 'department-systems',
    description:
      '部门归集数据 (a department publishes a record of a catalogued resource, keyed by subject) → checked, stored with history or quarantined',
  },
  [Topic.DataRead]: {
    topic: Topic.DataRead,
    kind: 'request',
    message: DataReadRequest,
    reply: DataReadReply,
    owner: 'data-platform',
    description: '共享数据读取 (the granted items of a subject’s record, masked by grade unless the grant allows plain values)',
  },
  [Topic.DataExists]: {
    topic: Topic.DataExists,
    kind: 'request',
    message: DataExistsRequest,
    reply: DataExistsReply,
    owner: 'data-platform',
    description: '存在性核验 (whether a record exists, matching given granted items; yes or no only)',
  },
  [Topic.DataItem]: {
    topic: Topic.DataItem,
    kind: 'request',
    message: DataItemRequest,
    reply: DataItemReply,
    owner: 'data-platform',
    description: '单项数据读取 (one granted item of a subject’s record)',
  },
  [Topic.DataCatalogueElements]: {
    topic: Topic.DataCatalogueElements,
    kind: 'request',
    message: DataElementsRequest,
    reply: DataElementsReply,
    owner: 'data-platform',
    description: '数据元来源 (which shared resources of the catalogue carry each data element: what a form can prefill)',
  },
  [Topic.BusinessPartDispatched]: {
    topic: Topic.BusinessPartDispatched,
    kind: 'event',
    message: CasePartDispatchedEvent,
    owner: 'business-platform',
    description: '一次分办 (a department’s part of a case, ready once its dependencies are approved) → department back offices',
  },
  [Topic.BusinessPartDecided]: {
    topic: Topic.BusinessPartDecided,
    kind: 'event',
    message: CasePartDecidedEvent,
    owner: 'business-platform',
    description: '部门办理结果 (a department approved or rejected its part, with outputs) → business platform',
  },
  [Topic.BusinessPartOverdue]: {
    topic: Topic.BusinessPartOverdue,
    kind: 'event',
    message: CasePartOverdueEvent,
    owner: 'business-platform',
    description: '超期上报 (a part passed its committed due day undecided) → supervision',
  },
  [Topic.BusinessPartWithdrawn]: {
    topic: Topic.BusinessPartWithdrawn,
    kind: 'event',
    message: CasePartWithdrawnEvent,
    owner: 'business-platform',
    description: '撤回 (the applicant withdrew the case: the part is stopped) → department systems',
  },
  [Topic.BusinessMyCases]: {
    topic: Topic.BusinessMyCases,
    kind: 'request',
    message: MyCasesRequest,
    reply: MyCasesReply,
    owner: 'business-platform',
    description: '我的办件 (the signed-in applicant’s own cases)',
  },
  [Topic.BusinessMyCase]: {
    topic: Topic.BusinessMyCase,
    kind: 'request',
    message: MyCaseRequest,
    reply: MyCaseReply,
    owner: 'business-platform',
    description: '我的办件详情 (one of the signed-in applicant’s cases, with its timeline)',
  },
  [Topic.BusinessRateCase]: {
    topic: Topic.BusinessRateCase,
    kind: 'request',
    message: RateCaseRequest,
    reply: RateCaseReply,
    owner: 'business-platform',
    description: '好差评 (the signed-in applicant rates a settled case or a decided part; a bad rating opens a rectification)',
  },
  [Topic.BusinessMyPolicies]: {
    topic: Topic.BusinessMyPolicies,
    kind: 'request',
    message: MyPoliciesRequest,
    reply: MyPoliciesReply,
    owner: 'business-platform',
    description: '我的政策 (免申即享: the policies offered to the signed-in person, and why)',
  },
  [Topic.BusinessObjectPolicy]: {
    topic: Topic.BusinessObjectPolicy,
    kind: 'request',
    message: ObjectPolicyRequest,
    reply: PolicyOffer,
    owner: 'business-platform',
    description: '拒绝推送 (the signed-in person objects to a policy offer: it is not pushed again)',
  },
  [Topic.BusinessWithdrawCase]: {
    topic: Topic.BusinessWithdrawCase,
    kind: 'request',
    message: WithdrawCaseRequest,
    reply: MyCaseReply,
    owner: 'business-platform',
    description: '撤回申请 (the signed-in applicant withdraws a case still in progress)',
  },
  [Topic.DataPrefill]: {
    topic: Topic.DataPrefill,
    kind: 'request',
    message: DataPrefillRequest,
    reply: DataPrefillReply,
    owner: 'data-platform',
    description: '表单预填 (values for a form’s data elements from the caller’s grants, each with its provenance and lock)',
  },
  [Topic.DataSharingChanged]: {
    topic: Topic.DataSharingChanged,
    kind: 'event',
    message: DataSharingChangedEvent,
    owner: 'data-platform',
    description: '共享申请状态变化 (a sharing application was made, decided, reminded, escalated, revoked or expired)',
    unordered: true,
  },
  [Topic.DataMyUsage]: {
    topic: Topic.DataMyUsage,
    kind: 'request',
    message: MyDataUsageRequest,
    reply: MyDataUsageReply,
    owner: 'data-platform',
    description: '我的数据使用记录 (the signed-in person’s own “who used my data”)',
  },
  [Topic.DataDispute]: {
    topic: Topic.DataDispute,
    kind: 'request',
    message: DataDisputeRequest,
    reply: DataDisputeReply,
    owner: 'data-platform',
    description: '数据纠错申请 (the signed-in applicant disputes a prefilled value: a correction request to the owning department)',
  },
  [Topic.IdentitySubjectOf]: {
    topic: Topic.IdentitySubjectOf,
    kind: 'request',
    message: SubjectOfAccountRequest,
    reply: SubjectOfAccountReply,
    owner: 'tech-capabilities',
    description: '账户主体键 (platform-internal: the keyed hash of a signed-in account’s ID number)',
  },
  [Topic.IdentityDepartments]: {
    topic: Topic.IdentityDepartments,
    kind: 'request',
    message: DepartmentsByNameRequest,
    reply: DepartmentsByNameReply,
    owner: 'tech-capabilities',
    description: '部门路径 (platform-internal: where named departments sit in the staff directory, for data scopes)',
  },
  [Topic.DataTagChanged]: {
    topic: Topic.DataTagChanged,
    kind: 'event',
    message: DataTagChangedEvent,
    owner: 'data-platform',
    description: '标签变化 (a subject gained or lost a tag: TagGained / TagLost) → business platform (免申即享)',
  },
  [Topic.DataTagDryRun]: {
    topic: Topic.DataTagDryRun,
    kind: 'request',
    message: TagRuleRequest,
    reply: DryRunTagReply,
    owner: 'data-platform',
    description: '标签规则试运行 (platform-internal: how many subjects a rule matches, a sample, the difference to the current version)',
  },
  [Topic.DataTagPublish]: {
    topic: Topic.DataTagPublish,
    kind: 'request',
    message: TagRuleRequest,
    reply: PublishTagReply,
    owner: 'data-platform',
    description:
      '发布标签规则 (platform-internal: a rule as the tag’s new version; each subject gained or lost a data.tag.changed.v1 event)',
  },
  [Topic.NotificationSend]: {
    topic: Topic.NotificationSend,
    kind: 'request',
    message: SendNotificationRequest,
    reply: SendNotificationReply,
    owner: 'tech-capabilities',
    description: '消息通知 (send a templated SMS, e-mail or in-app message; delivered from an outbox)',
  },
  [Topic.ArchiveDeposit]: {
    topic: Topic.ArchiveDeposit,
    kind: 'request',
    message: ArchiveDepositRequest,
    reply: ArchiveDepositReply,
    owner: 'tech-capabilities',
    description: '电子档案归档 (archive a case as a hash-chained, SM2-signed package)',
  },
  [Topic.ArchiveVerify]: {
    topic: Topic.ArchiveVerify,
    kind: 'request',
    message: ArchiveVerifyRequest,
    reply: ArchiveVerifyReply,
    owner: 'tech-capabilities',
    description: '电子档案核验 (is an archived package exactly as deposited)',
  },
  [Topic.CalendarDeadline]: {
    topic: Topic.CalendarDeadline,
    kind: 'request',
    message: CalendarDeadlineRequest,
    reply: CalendarDeadlineReply,
    owner: 'tech-capabilities',
    description: '工作日期限 (the day a time limit of N working days ends, holidays and make-up days counted)',
  },
  [Topic.CalendarCount]: {
    topic: Topic.CalendarCount,
    kind: 'request',
    message: CalendarCountRequest,
    reply: CalendarCountReply,
    owner: 'tech-capabilities',
    description: '工作日计数 (working days between two days)',
  },
  [Topic.SealSignData]: {
    topic: Topic.SealSignData,
    kind: 'request',
    message: SealSignDataRequest,
    reply: SealSignDataReply,
    owner: 'tech-capabilities',
    description: '电子印章数据签章 (GB/T 38540 signature over data)',
  },
  [Topic.SealPdf]: {
    topic: Topic.SealPdf,
    kind: 'request',
    message: SealPdfRequest,
    reply: SealPdfReply,
    owner: 'tech-capabilities',
    description: 'PDF 盖章 (visible seal + PAdES signature)',
  },
  [Topic.SealVerify]: {
    topic: Topic.SealVerify,
    kind: 'request',
    message: SealVerifyRequest,
    reply: SealVerifyReply,
    owner: 'tech-capabilities',
    description: '验章 (verify a seal signature or a sealed PDF)',
  },
  [Topic.LicenceIssue]: {
    topic: Topic.LicenceIssue,
    kind: 'request',
    message: LicenceIssueRequest,
    reply: LicenceIssueReply,
    owner: 'tech-capabilities',
    description: '电子证照签发 (issue an e-licence)',
  },
  [Topic.LicenceGet]: {
    topic: Topic.LicenceGet,
    kind: 'request',
    message: LicenceByIdRequest,
    reply: LicenceRecordReply,
    owner: 'tech-capabilities',
    description: '按证照标识查询 (a licence by identifier)',
  },
  [Topic.LicenceGetPdf]: {
    topic: Topic.LicenceGetPdf,
    kind: 'request',
    message: LicenceByIdRequest,
    reply: LicencePdfReply,
    owner: 'tech-capabilities',
    description: '电子证照版式文件 (the sealed licence PDF)',
  },
  [Topic.LicenceVerify]: {
    topic: Topic.LicenceVerify,
    kind: 'request',
    message: LicenceByIdRequest,
    reply: LicenceVerifyReply,
    owner: 'tech-capabilities',
    description: '电子证照核验 (verify a licence)',
  },
  [Topic.LicenceChange]: {
    topic: Topic.LicenceChange,
    kind: 'request',
    message: LicenceChangeRequest,
    reply: LicenceChangeReply,
    owner: 'tech-capabilities',
    description: '电子证照注销、加注 (revoke or annotate a licence)',
  },
  [Topic.LicenceChanged]: {
    topic: Topic.LicenceChanged,
    kind: 'event',
    message: LicenceChangedEvent,
    owner: 'tech-capabilities',
    description: '电子证照变更 (a licence was issued, revoked or annotated) → data-platform licence index',
  },
  [Topic.CapabilitiesAnnounced]: {
    topic: Topic.CapabilitiesAnnounced,
    kind: 'event',
    message: CapabilitiesAnnouncedEvent,
    owner: 'tech-capabilities',
    description: '能力登记 (a provider announces its capabilities: contract, JSON Schemas, timeout) → service-dispatch registry',
    unordered: true,
  },
  [Topic.LicenceAuthoriseUse]: {
    topic: Topic.LicenceAuthoriseUse,
    kind: 'request',
    message: LicenceUseGrantRequest,
    reply: LicenceUseGrantReply,
    owner: 'tech-capabilities',
    description: '用证授权 (the holder authorises an app to use their licences)',
  },
  [Topic.LicenceWithdrawUse]: {
    topic: Topic.LicenceWithdrawUse,
    kind: 'request',
    message: LicenceUseWithdrawRequest,
    reply: LicenceUseWithdrawReply,
    owner: 'tech-capabilities',
    description: '撤回用证授权 (withdraw a use authorisation)',
  },
};

export function contractOf(type: string): TopicContract | undefined {
  return Object.prototype.hasOwnProperty.call(TOPIC_CONTRACTS, type) ? (TOPIC_CONTRACTS as Record<string, TopicContract>)[type] : undefined;
}

/** The Kafka topic a message of this type travels on: its provider's request topic, or the event's own topic. */
export function wireTopicOf(type: Topic): string {
  const contract = TOPIC_CONTRACTS[type];
  return contract.kind === 'request' ? requestTopicOf(contract.owner) : contract.topic;
}

/** Every Kafka topic the contracts define, with what travels on it (docs/topics.md lists them all). */
export function wireTopics(): { topic: string; kind: 'requests' | 'event'; types: Topic[] }[] {
  const byTopic = new Map<string, { topic: string; kind: 'requests' | 'event'; types: Topic[] }>();
  for (const contract of Object.values(TOPIC_CONTRACTS)) {
    const topic = wireTopicOf(contract.topic);
    const entry = byTopic.get(topic) ?? {
      topic,
      kind: contract.kind === 'request' ? ('requests' as const) : ('event' as const),
      types: [],
    };
    entry.types.push(contract.topic);
    byTopic.set(topic, entry);
  }
  return [...byTopic.values()];
}
