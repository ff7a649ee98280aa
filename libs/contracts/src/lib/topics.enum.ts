/**
 * Every Kafka topic of the platform. Convention: `<domain>.<entity>.<event-or-command>.v<N>`;
 * a breaking change is a new topic. No topic name is typed anywhere else: derived names
 * (reply topics, dead-letter topics) come from the helpers below.
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
}

/** Reply topic used by the NestJS Kafka transport for a request-reply pattern. */
export function replyTopicOf(topic: Topic): string {
  return `${topic}.reply`;
}

/** One dead-letter topic per consumer group: poison messages land there with the error. */
export function deadLetterTopicOf(consumerGroup: string): string {
  return `dlq.${consumerGroup}.v1`;
}

/** Kafka headers the platform sets on records it produces (besides the NestJS transport's own). */
export const PlatformHeader = {
  EventId: 'x-event-id',
  CorrelationId: 'x-correlation-id',
  DeadLetterError: 'x-dlq-error',
  DeadLetterSourceTopic: 'x-dlq-source-topic',
  DeadLetterSourcePartition: 'x-dlq-source-partition',
  DeadLetterSourceOffset: 'x-dlq-source-offset',
  DeadLetterConsumerGroup: 'x-dlq-consumer-group',
} as const;
