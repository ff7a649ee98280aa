import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type CallMeta,
  type HolderType,
  type LicenceAccessedEvent,
  type LicenceByHolderReply,
  type LicenceByHolderRequest,
  type LicenceSummary,
  subjectKeyOf,
  Topic,
} from '@gmp/contracts';
import { derivedEventId, OutboxService, preparedQuery, quoteTablePath } from '@gmp/messaging';
import { ProblemException, ServiceConfig } from '@gmp/service-kit';
import { AccountsService } from '@gmp/tech-identity';
import { SealService } from '@gmp/tech-seal';
import { LicenceUseAuthorisation } from './licence-use-authorisation.entity.js';
import { LicenceAccessLog } from './licence-access-log.entity.js';
import { LicenceType } from './licence-type.entity.js';
import { Licence } from './licence.entity.js';
import { LicenceProblem } from './licence.problems.js';

const SERVICE = 'tech-capabilities';

/**
 * Looks up a subject's licences. Each lookup is personal-data access: it is logged and
 * announced (LicenceAccessed, via the outbox) atomically before the answer leaves.
 */
@Injectable()
export class LicenceQueryService {
  private readonly tables: { licence: string; licenceType: string; accessLog: string; authorisation: string };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly config: ServiceConfig,
    private readonly accounts: AccountsService,
    private readonly seals: SealService,
  ) {
    this.tables = {
      licence: quoteTablePath(dataSource.getMetadata(Licence).tablePath),
      licenceType: quoteTablePath(dataSource.getMetadata(LicenceType).tablePath),
      accessLog: quoteTablePath(dataSource.getMetadata(LicenceAccessLog).tablePath),
      authorisation: quoteTablePath(dataSource.getMetadata(LicenceUseAuthorisation).tablePath),
    };
  }

  /**
   * A holder's licences, for a caller with a reason the holder or the law gives: the holder
   * signed in (self), a use authorisation from the holder to the calling app (用证授权; a
   * licence-specific one shows only that licence), or a declared legal basis. Otherwise 403,
   * and the refused attempt is logged too.
   */
  async byHolder(request: LicenceByHolderRequest): Promise<LicenceByHolderReply> {
    const { meta, input } = request;
    const subjectKey = subjectKeyOf(input.holderId, this.config.SUBJECT_KEY_SECRET);
    const readId = derivedEventId(meta.messageId, Topic.LicenceAccessed);
    const now = new Date().toISOString();
    const event: LicenceAccessedEvent = {
      meta: { ...meta, messageId: readId, sentAt: now },
      subjectKey,
      holderType: input.holderType,
      licenceIds: [],
      accessedAt: now,
      provider: SERVICE,
    };
    // One statement, one round trip: the basis (self → authorisation → legal basis), the licences
    // it shows, the access-log row (READ or REFUSED) and, for a read, its LicenceAccessed event in
    // the outbox — atomic. A replay (same request id) finds its log row and writes nothing again.
    const refusedId = derivedEventId(meta.messageId, 'licence-refused');
    // A call made with a user's own token acts for that user only: no authorisation or legal basis applies.
    const asUser = meta.endUserAuthenticated === true;
    // The holder signed in: the identity module says whether the account is the holder's.
    const self = selfCandidate(meta);
    const isSelf = self !== null && (await this.accounts.isPerson(self, subjectKey));
    const rows = await preparedQuery<LicenceSummary & { basis: AccessBasis['basis'] | null }>(
      this.dataSource,
      'licence-by-holder-v3',
      `WITH auth AS (
         SELECT licence_id FROM ${this.tables.authorisation}
          WHERE holder_key = $1 AND grantee = $2 AND NOT $14::boolean AND withdrawn_at IS NULL AND valid_until > now()
       ), basis AS (
         SELECT CASE WHEN $3::boolean THEN 'self'
                     WHEN EXISTS (SELECT 1 FROM auth) THEN 'authorisation'
                     WHEN $4::varchar IS NOT NULL AND NOT $14::boolean THEN 'legal-basis' END AS b,
                NOT EXISTS (SELECT 1 FROM auth WHERE licence_id IS NULL) AS only_authorised
       ), lic AS (
         SELECT l.licence_id AS "licenceId", l.type_code AS "typeCode", t.name AS "typeName", l.number,
                l.holder_name AS "holderName", l.issuer_name AS "issuerName",
                to_char(l.issue_date, 'YYYY-MM-DD') AS "issueDate", to_char(l.valid_until, 'YYYY-MM-DD') AS "validUntil", l.status
           FROM ${this.tables.licence} l JOIN ${this.tables.licenceType} t ON t.code = l.type_code, basis
          WHERE l.holder_key = $1 AND basis.b IS NOT NULL AND ($5::varchar IS NULL OR l.type_code = $5)
            AND (basis.b <> 'authorisation' OR NOT basis.only_authorised OR l.licence_id IN (SELECT licence_id FROM auth))
          ORDER BY l.issue_date DESC LIMIT 1000
       ), log AS (
         INSERT INTO ${this.tables.accessLog} (event_id, subject_key, app, end_user, purpose, case_id, correlation_id, licence_count, basis, legal_basis, outcome)
         SELECT CASE WHEN b IS NULL THEN $11::uuid ELSE $6::uuid END, $1, $2, $7, $8, $9, $10, (SELECT count(*) FROM lic), b, $4, CASE WHEN b IS NULL THEN 'REFUSED' ELSE 'READ' END
           FROM basis
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id, outcome
       ), announced AS (
         -- Reads and refusals alike reach "who used my data".
         INSERT INTO ${this.outbox.table} (event_id, topic, message_key, payload, trace_context)
         SELECT log.event_id, $12::varchar, $1,
                jsonb_set(jsonb_set(jsonb_set($13::jsonb, '{licenceIds}', coalesce((SELECT jsonb_agg("licenceId") FROM lic), '[]'::jsonb)),
                                    '{outcome}', to_jsonb(log.outcome)), '{meta,messageId}', to_jsonb(log.event_id::text)),
                $15::varchar
           FROM log RETURNING 1
       )
       SELECT basis.b AS basis, lic.* FROM basis LEFT JOIN lic ON true ORDER BY lic."issueDate" DESC NULLS LAST`,
      [
        subjectKey,
        meta.app,
        isSelf,
        meta.legalBasis ?? null,
        input.typeCode ?? null,
        readId,
        meta.endUser ?? null,
        meta.purpose ?? null,
        meta.caseId ?? null,
        meta.correlationId,
        refusedId,
        Topic.LicenceAccessed,
        JSON.stringify(event),
        asUser,
        this.outbox.traceContext(),
      ],
    );
    this.outbox.wake();
    if (rows[0]?.basis == null) throw refusal();
    return { licences: rows.filter((r) => r.licenceId).map(({ basis: _basis, ...l }) => withoutNulls(l)) };
  }

  /**
   * Why this caller may read one licence, or null: as for a holder's licences (self, the
   * holder's authorisation for all or this licence, a legal basis), or the issuer's own system
   * (an app allowed to use the issuing seal).
   */
  async basisForLicence(meta: CallMeta, licence: Pick<Licence, 'licenceId' | 'holderKey' | 'sealId'>): Promise<AccessBasis | null> {
    const access = await this.basisFor(meta, licence.holderKey);
    if (access && access.basis !== 'legal-basis' && (!access.only || access.only.includes(licence.licenceId)))
      return { basis: access.basis };
    if (meta.endUserAuthenticated) return null; // a user's own token: only their own licences
    if (licence.sealId && (await this.seals.isGrantee(licence.sealId, meta.app))) return { basis: 'issuer' };
    return meta.legalBasis ? { basis: 'legal-basis' } : null;
  }

  /**
   * Records a read of a holder's licences: the access log row and its LicenceAccessed event in
   * one statement (atomic), before the answer leaves. The same request handled twice (a replay
   * after a crash or rebalance) has the same event id → one record.
   */
  async recordRead(
    meta: CallMeta,
    holder: { subjectKey: string; holderType: HolderType },
    licenceIds: string[],
    access: AccessBasis,
  ): Promise<void> {
    const eventId = derivedEventId(meta.messageId, Topic.LicenceAccessed);
    const now = new Date().toISOString();
    const event: LicenceAccessedEvent = {
      meta: { ...meta, messageId: eventId, sentAt: now },
      subjectKey: holder.subjectKey,
      holderType: holder.holderType,
      licenceIds,
      accessedAt: now,
      provider: SERVICE,
    };
    await this.outbox.commitWith(
      {
        sql: `INSERT INTO ${this.tables.accessLog} (event_id, subject_key, app, end_user, purpose, case_id, correlation_id, licence_count, basis, legal_basis) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO NOTHING RETURNING 1`,
        params: [
          eventId,
          holder.subjectKey,
          meta.app,
          meta.endUser ?? null,
          meta.purpose ?? null,
          meta.caseId ?? null,
          meta.correlationId,
          licenceIds.length,
          access.basis,
          meta.legalBasis ?? null,
        ],
      },
      Topic.LicenceAccessed,
      holder.subjectKey,
      event,
    );
  }

  /** Logs a refused read (nothing is returned), reports it to "who used my data", and throws 403 LICENCE_USE_NOT_AUTHORISED. */
  async refuse(meta: CallMeta, holder: { subjectKey: string; holderType: HolderType }): Promise<never> {
    const eventId = derivedEventId(meta.messageId, 'licence-refused');
    const now = new Date().toISOString();
    const event: LicenceAccessedEvent = {
      meta: { ...meta, messageId: eventId, sentAt: now },
      subjectKey: holder.subjectKey,
      holderType: holder.holderType,
      licenceIds: [],
      accessedAt: now,
      provider: SERVICE,
      outcome: 'REFUSED',
    };
    await this.outbox.commitWith(
      {
        sql: `INSERT INTO ${this.tables.accessLog} (event_id, subject_key, app, end_user, purpose, case_id, correlation_id, licence_count, legal_basis, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, 'REFUSED') ON CONFLICT (event_id) DO NOTHING RETURNING 1`,
        params: [
          eventId,
          holder.subjectKey,
          meta.app,
          meta.endUser ?? null,
          meta.purpose ?? null,
          meta.caseId ?? null,
          meta.correlationId,
          meta.legalBasis ?? null,
        ],
      },
      Topic.LicenceAccessed,
      holder.subjectKey,
      event,
    );
    throw refusal();
  }

  private async basisFor(meta: CallMeta, holderKey: string): Promise<AccessBasis | null> {
    const endUser = selfCandidate(meta);
    if (endUser) {
      if (await this.accounts.isPerson(endUser, holderKey)) return { basis: 'self' };
    }
    if (meta.endUserAuthenticated) return null; // a user's own token: only their own licences
    const grants = await this.dataSource
      .getRepository(LicenceUseAuthorisation)
      .createQueryBuilder('a')
      .where('a.holder_key = :holderKey AND a.grantee = :app AND a.withdrawn_at IS NULL AND a.valid_until > now()', {
        holderKey,
        app: meta.app,
      })
      .getMany();
    if (grants.length > 0)
      return grants.some((g) => g.licenceId === null)
        ? { basis: 'authorisation' }
        : { basis: 'authorisation', only: grants.map((g) => g.licenceId!) };
    if (meta.legalBasis) return { basis: 'legal-basis' };
    return null;
  }
}

/** Why a caller may read a holder's licences, or null. */
export type AccessBasis = { basis: 'self' | 'authorisation' | 'legal-basis' | 'issuer'; only?: string[] };

/** The signed-in end user's account id, when the call carries one (the holder reading their own licences). */
function selfCandidate(meta: CallMeta): string | null {
  return meta.endUser && meta.endUserAuthenticated && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(meta.endUser)
    ? meta.endUser
    : null;
}

function refusal(): ProblemException {
  return LicenceProblem.LICENCE_USE_NOT_AUTHORISED();
}

function withoutNulls(l: LicenceSummary): LicenceSummary {
  if (l.validUntil === null) delete (l as { validUntil?: string | null }).validUntil;
  return l;
}
