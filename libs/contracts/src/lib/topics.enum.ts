/**
 * Every message type of the platform's wire. Convention: `<domain>.<entity>.<event-or-command>.v<N>`;
 * a breaking change is a new type.
 *
 * - An **event** type is also its Kafka topic (one stream per event type, keyed by subject).
 * - A **request** type is not a topic of its own: every request to a provider service travels
 *   on that provider's one request topic (`requestTopicOf(owner)`) with its type in the
 *   `x-message-type` header, and every reply on the calling service's one reply topic
 *   (`replyTopicOf(caller)`). The broker's cost thus follows the number of services, not the
 *   size of the capability catalogue (issue 12, docs/benchmarks.md).
 *
 * No topic name is typed anywhere else: wire topics come from the helpers below and from
 * `wireTopicOf` in topic-registry.ts.
 */
export enum Topic {
  /** Request-reply: e-licences held by a citizen or a company (tech-capabilities). */
  LicenceQueryByHolder = 'tech.licence.query-by-holder.v1',
  /** Event: somebody read personal licence data (tech-capabilities → data-platform audit). */
  LicenceAccessed = 'tech.licence.accessed.v1',
  /** Request-reply: does this name belong to this ID number (实名核验)? */
  IdentityVerifyRealName = 'tech.identity.verify-real-name.v1',
  /** Request-reply: may this person act for this company in this scope now (经办人授权核验)? */
  IdentityCheckAgent = 'tech.identity.check-agent.v1',
  /** Request-reply: what does this access token say, and is it valid now? */
  IdentityIntrospectToken = 'tech.identity.introspect-token.v1',
  /** Request-reply: a legal person and its current agents. */
  IdentityResolveLegalPerson = 'tech.identity.resolve-legal-person.v1',
  /** Request-reply: send a templated SMS / e-mail / in-app message (tech-capabilities, outbox-backed). */
  NotificationSend = 'tech.notification.send.v1',
  /** Request-reply: archive a case's records as a hash-chained, signed package (电子档案). */
  ArchiveDeposit = 'tech.archive.deposit.v1',
  /** Request-reply: verify an archived package (any change detected). */
  ArchiveVerify = 'tech.archive.verify.v1',
  /** Request-reply: the day a time limit of N working days ends (工作日历). */
  CalendarDeadline = 'tech.calendar.deadline.v1',
  /** Request-reply: working days between two days. */
  CalendarCount = 'tech.calendar.count.v1',
  /** Request-reply: a GB/T 38540 signature over data with a seal (电子印章). */
  SealSignData = 'tech.seal.sign-data.v1',
  /** Request-reply: seal a PDF (visible seal + PAdES signature). */
  SealPdf = 'tech.seal.seal-pdf.v1',
  /** Request-reply: verify a seal signature or a sealed PDF (验章). */
  SealVerify = 'tech.seal.verify.v1',
  /** Request-reply: issue an e-licence from structured data (电子证照签发). */
  LicenceIssue = 'tech.licence.issue.v1',
  /** Request-reply: a licence by its GB/T 36904 identifier. */
  LicenceGet = 'tech.licence.get.v1',
  /** Request-reply: the licence's rendered PDF, sealed by the issuing authority (版式文件). */
  LicenceGetPdf = 'tech.licence.get-pdf.v1',
  /** Request-reply: verify a licence (signature, status, validity). */
  LicenceVerify = 'tech.licence.verify.v1',
  /** Request-reply: revoke or annotate a licence (注销, 加注). */
  LicenceChange = 'tech.licence.change.v1',
  /** Request-reply: the signed-in holder authorises an app to use their licence(s) (用证授权). */
  LicenceAuthoriseUse = 'tech.licence.authorise-use.v1',
  /** Request-reply: the holder withdraws a use authorisation. */
  LicenceWithdrawUse = 'tech.licence.withdraw-use.v1',
  /** Event: a licence was issued, revoked or annotated (outbox; data-platform keeps its licence index). */
  LicenceChanged = 'tech.licence.changed.v1',
  /** Event: a provider announces the capabilities it serves (at start-up; service-dispatch keeps its registry). */
  CapabilitiesAnnounced = 'platform.capability.announced.v1',
  /** Request-reply: does the population base library hold this ID number under this name (data-platform)? */
  DataPopulationVerify = 'data.population.verify.v1',
  /** Event: a department publishes a record of a catalogued resource (数据归集; department systems → data-platform). */
  DataRecordPublished = 'data.record.published.v1',
  /** Request-reply: the granted items of a subject's record (共享数据读取; masked by grade). */
  DataRead = 'data.shared.read.v1',
  /** Request-reply: does a record exist (matching given items)? Yes or no, nothing else (核验). */
  DataExists = 'data.shared.exists.v1',
  /** Request-reply: one granted item's value. */
  DataItem = 'data.shared.item.v1',
  /** Request-reply (platform-internal): where the data catalogue keeps each data element (数据元) — the business platform's bundle compiler asks. */
  DataCatalogueElements = 'data.catalogue.elements.v1',
  /** Request-reply: form prefill (免填写) — values for data elements from the caller's grants, with provenance. */
  DataPrefill = 'data.shared.prefill.v1',
  /** Event: a sharing application changed (applied, approved, refused, reminded, escalated, revoked, expired). */
  DataSharingChanged = 'data.sharing.changed.v1',
  /** Event: a subject gained or lost a tag (标签; TagGained / TagLost), keyed by subject. */
  DataTagChanged = 'data.tag.changed.v1',
  /** Request-reply, platform-internal: run a tag's rule over every subject without changing anything (a policy's dry run). */
  DataTagDryRun = 'data.tag.dry-run.v1',
  /** Request-reply, platform-internal: publish a tag's rule as a new version (a policy's eligibility). */
  DataTagPublish = 'data.tag.publish.v1',
  /** Request-reply: the signed-in person's own "who used my data" (我的数据使用记录). */
  DataMyUsage = 'data.usage.mine.v1',
  /** Request-reply: the signed-in applicant disputes a prefilled value — a correction request to the owning department (数据纠错). */
  DataDispute = 'data.correction.request.v1',
  /** Event: a department's part of a case is ready for its back office (一次分办; business-platform → department systems). */
  BusinessPartDispatched = 'business.case.part-dispatched.v1',
  /** Event: a department decided its part of a case (department systems → business-platform). */
  BusinessPartDecided = 'business.case.part-decided.v1',
  /** Event: a part passed its committed due day undecided (超期上报; business-platform → supervision). */
  BusinessPartOverdue = 'business.case.part-overdue.v1',
  /** Event: the applicant withdrew the case; a part not yet decided is stopped (business-platform → department systems). */
  BusinessPartWithdrawn = 'business.case.part-withdrawn.v1',
  /** Request-reply: the signed-in applicant's own cases (我的办件). */
  BusinessMyCases = 'business.case.mine.v1',
  /** Request-reply: one of the signed-in applicant's cases, with its timeline. */
  BusinessMyCase = 'business.case.get-mine.v1',
  /** Request-reply: the signed-in applicant rates a settled case or a decided part (好差评). */
  BusinessRateCase = 'business.case.rate.v1',
  /** Request-reply: the policies offered to the signed-in person (免申即享, 政策直达). */
  BusinessMyPolicies = 'business.policy.mine.v1',
  /** Request-reply: the signed-in person objects to a policy offer (no further pushes of it). */
  BusinessObjectPolicy = 'business.policy.object.v1',
  /** Request-reply: the signed-in applicant withdraws a case still in progress (撤回申请). */
  BusinessWithdrawCase = 'business.case.withdraw.v1',
  /** Request-reply (platform-internal): the keyed hash of a signed-in account's ID number. */
  IdentitySubjectOf = 'tech.identity.subject-of.v1',
  /** Request-reply (platform-internal): where named departments sit in the staff directory's tree (their paths, for data scopes). */
  IdentityDepartments = 'tech.identity.departments-by-name.v1',
}

/** A platform service's name (Kafka client id, consumer group, topic prefix): lower-case words joined by hyphens. */
export const SERVICE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

function checkedService(service: string): string {
  if (!SERVICE_NAME.test(service) || service.length > 64)
    throw new Error(`无效的服务名 (invalid service name): ${JSON.stringify(service)}`);
  return service;
}

/** The platform's services: the only callers a provider replies to (`rpc.<service>.replies.v1`). */
export const PLATFORM_SERVICES: readonly string[] = ['service-dispatch', 'tech-capabilities', 'data-platform', 'business-platform'];

/** The one request topic of a provider service: every request type it serves travels here. */
export function requestTopicOf(provider: string): string {
  return `rpc.${checkedService(provider)}.requests.v1`;
}

/** The one reply topic of a calling service: one partition (at least) per instance of the caller. */
export function replyTopicOf(caller: string): string {
  return `rpc.${checkedService(caller)}.replies.v1`;
}

const REPLY_TOPIC = /^rpc\.([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.replies\.v1$/;

/** The calling service a reply topic belongs to, or null when the name is not a reply topic. */
export function callerOfReplyTopic(topic: string): string | null {
  const m = REPLY_TOPIC.exec(topic);
  return m && m[1]!.length <= 64 ? m[1]! : null;
}

/** One dead-letter topic per consumer group: poison messages land there with the error. */
export function deadLetterTopicOf(consumerGroup: string): string {
  return `dlq.${consumerGroup}.v1`;
}

/** Kafka headers the platform sets on records it produces (besides the NestJS transport's own). */
export const PlatformHeader = {
  EventId: 'x-event-id',
  /** On a provider's request topic: which request type (and so which contract) the record carries. */
  MessageType: 'x-message-type',
  CorrelationId: 'x-correlation-id',
  DeadLetterError: 'x-dlq-error',
  DeadLetterSourceTopic: 'x-dlq-source-topic',
  DeadLetterSourcePartition: 'x-dlq-source-partition',
  DeadLetterSourceOffset: 'x-dlq-source-offset',
  DeadLetterConsumerGroup: 'x-dlq-consumer-group',
} as const;
