import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { DataTagChangedEvent } from '@gmp/contracts';
import { quoteTablePath, returnedRows } from '@gmp/messaging';
import { BizPolicy, BizPolicyOffer, BizTagMember } from '../../policies.entities.js';

/**
 * 政策直达: a subject who gains a tag is offered every active policy on it — once (a redelivered
 * or repeated event changes nothing), never again after they objected; one who loses it has the
 * offers they did not object to withdrawn. The memberships heard are kept (`biz_tag_member`), so
 * a policy published later is offered to those who have its tag already (`offerToMembers`).
 * Only the keyed hash of the subject travels and is kept: the person sees their offers through
 * `policy.mine` with their own token.
 */
@Injectable()
export class OfferPolicies {
  private readonly log = new Logger('PolicyOffers');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(e: DataTagChangedEvent): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      await this.lockTag(m, e.tagCode);
      const members = m.getRepository(BizTagMember);
      if (e.change === 'gained')
        await members.upsert({ tagCode: e.tagCode, subjectKey: e.subjectKey, tagVersion: e.version, since: new Date(e.at) }, [
          'tagCode',
          'subjectKey',
        ]);
      else await members.delete({ tagCode: e.tagCode, subjectKey: e.subjectKey });
      const policies = await m.getRepository(BizPolicy).findBy({ tagCode: e.tagCode, status: 'active' });
      const offers = quoteTablePath(m.getRepository(BizPolicyOffer).metadata.tablePath);
      let changed = 0;
      for (const p of policies)
        changed +=
          e.change === 'gained'
            ? await this.offer(m, p, `SELECT $3::varchar, $4::char(64), $5::int, $6::timestamptz`, [
                p.code,
                e.subjectKey,
                e.version,
                new Date(e.at),
              ])
            : returnedRows(
                (await m.query(
                  `UPDATE ${offers} SET status = 'withdrawn', changed_at = $3 WHERE policy_code = $1 AND subject_key = $2 AND status = 'offered' RETURNING id`,
                  [p.code, e.subjectKey, new Date(e.at)],
                )) as unknown[],
              ).length;
      if (changed > 0) this.log.log(`政策推送 (policy offers) ${e.change} ${e.tagCode}: ${changed}`);
      return changed;
    });
  }

  /**
   * Serialises a tag's events with the publication of policies on it (in the caller's
   * transaction): a policy published while a subject gains its tag is offered to them by one or
   * the other, never by neither.
   */
  async lockTag(m: EntityManager, tagCode: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`biz_policy_tag:${tagCode}`]);
  }

  /** A policy just published (or changed), in the publication's transaction: offered to every subject who has its tag now. */
  async offerToMembers(m: EntityManager, policy: BizPolicy): Promise<number> {
    if (policy.status !== 'active') return 0;
    const members = quoteTablePath(m.getRepository(BizTagMember).metadata.tablePath);
    return this.offer(m, policy, `SELECT $3::varchar, subject_key, tag_version, since FROM ${members} WHERE tag_code = $4`, [
      policy.code,
      policy.tagCode,
    ]);
  }

  /** A policy retired: its open offers are withdrawn (objections stay). */
  async withdrawAll(m: EntityManager, policyCode: string, at: Date): Promise<number> {
    const offers = quoteTablePath(m.getRepository(BizPolicyOffer).metadata.tablePath);
    return returnedRows(
      (await m.query(
        `UPDATE ${offers} SET status = 'withdrawn', changed_at = $2 WHERE policy_code = $1 AND status = 'offered' RETURNING id`,
        [policyCode, at],
      )) as unknown[],
    ).length;
  }

  /**
   * Offers `policy` to the subjects `source` selects (policy code, subject key, tag version, since;
   * parameters from $3): new ones offered, withdrawn ones offered again, objected ones never.
   */
  private async offer(m: EntityManager, policy: BizPolicy, source: string, params: unknown[]): Promise<number> {
    const offers = quoteTablePath(m.getRepository(BizPolicyOffer).metadata.tablePath);
    const rows = (await m.query(
      `INSERT INTO ${offers} (id, policy_code, subject_key, status, tag_code, tag_version, policy_version, eligible_since, offered_at, changed_at)
       SELECT gen_random_uuid(), s.policy_code, s.subject_key, 'offered', $1, s.tag_version, $2, s.since, now(), now()
         FROM (${source}) AS s(policy_code, subject_key, tag_version, since)
       ON CONFLICT (policy_code, subject_key) DO UPDATE
         SET status = 'offered', tag_version = EXCLUDED.tag_version, policy_version = EXCLUDED.policy_version,
             eligible_since = EXCLUDED.eligible_since, offered_at = EXCLUDED.offered_at, changed_at = EXCLUDED.changed_at,
             -- A new offer (the tag regained: a second child): pushed again, its own apply-free case.
             notified_at = NULL, case_no = NULL, follow_up_attempts = 0, follow_up_after = NULL
         WHERE ${offers}.status = 'withdrawn'
       RETURNING id`,
      [policy.tagCode, policy.version, ...params],
    )) as unknown[];
    return returnedRows(rows).length;
  }
}
