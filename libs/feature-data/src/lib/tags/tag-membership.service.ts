import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { type DataTagChangedEvent, Topic } from '@gmp/contracts';
import { OutboxService, quoteTablePath } from '@gmp/messaging';
import { type Profile, ProfilesService } from '../ingestion/profiles.service.js';
import { TagRulesService } from './tag-rules.service.js';
import { DataTag, DataTagMember } from './tags.entities.js';

/** Most subjects a rule is run over in one pass (dry-run, publication). */
export const SCAN_LIMIT = 100_000;

export interface Evaluation {
  /** Keys of the subjects that match. */
  matching: Set<string>;
  scanned: number;
  errors: number;
}

/** Evaluates a tag over profiles and applies the difference to its members, each change an event (TagGained / TagLost) in the same transaction. */
@Injectable()
export class TagMembershipService {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly rules: TagRulesService,
    private readonly outbox: OutboxService,
  ) {}

  async evaluate(m: EntityManager, rule: string, keys: string[], now = new Date()): Promise<Evaluation> {
    const f = this.rules.compile(rule);
    const matching = new Set<string>();
    let errors = 0;
    for (let i = 0; i < keys.length; i += 500) {
      for (const [key, profile] of await this.profiles.profilesOf(m, keys.slice(i, i + 500))) {
        const r = this.rules.matches(f, profile, now);
        if (r.match) matching.add(key);
        if (r.error) errors++;
      }
    }
    return { matching, scanned: keys.length, errors };
  }

  /** The subjects among already-built `profiles` that match `rule` (each profile read once for every tag). */
  matchingOf(rule: string, profiles: ReadonlyMap<string, Profile>, now = new Date()): Set<string> {
    const f = this.rules.compile(rule);
    return new Set([...profiles].filter(([, profile]) => this.rules.matches(f, profile, now).match).map(([key]) => key));
  }

  resourcesReadBy(rule: string): ReadonlySet<string> | 'all' {
    return this.rules.dependenciesOf(rule);
  }

  /** What a scan with `rule` reads, as "who used my data" names it: its resources, `profile` (any of them), or nothing (e.g. `false`). */
  resourcesRead(rule: string): string[] {
    const read = this.resourcesReadBy(rule);
    return read === 'all' ? ['profile'] : [...read].sort();
  }

  profilesOf(m: EntityManager, keys: string[]): Promise<Map<string, Profile>> {
    return this.profiles.profilesOf(m, keys);
  }

  async allSubjects(m: EntityManager): Promise<string[]> {
    return this.profiles.subjects(m, SCAN_LIMIT);
  }

  /** Sets the tag's members among `keys` to those matching; returns how many were added and removed. */
  async apply(m: EntityManager, tag: DataTag, keys: string[], matching: Set<string>): Promise<{ added: number; removed: number }> {
    const repo = m.getRepository(DataTagMember);
    const t = quoteTablePath(repo.metadata.tablePath);
    const current = new Set(
      keys.length === 0
        ? []
        : (
            (await m.query(`SELECT subject_key FROM ${t} WHERE tag_code = $1 AND subject_key = ANY($2::char(64)[])`, [tag.code, keys])) as {
              subject_key: string;
            }[]
          ).map((r) => r.subject_key.trim()),
    );
    const added = keys.filter((k) => matching.has(k) && !current.has(k));
    const removed = keys.filter((k) => !matching.has(k) && current.has(k));
    const now = new Date();
    // ON CONFLICT DO NOTHING: two records of one subject stored at once may both add the member.
    if (added.length > 0)
      await repo
        .createQueryBuilder()
        .insert()
        .values(added.map((subjectKey) => ({ tagCode: tag.code, subjectKey, since: now })))
        .orIgnore()
        .execute();
    if (removed.length > 0) await repo.delete({ tagCode: tag.code, subjectKey: In(removed) });
    for (const [key, change] of [...added.map((k) => [k, 'gained'] as const), ...removed.map((k) => [k, 'lost'] as const)]) {
      const event: DataTagChangedEvent = {
        meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'data-platform', sentAt: now.toISOString() },
        tagCode: tag.code,
        subjectKey: key,
        change,
        version: tag.version,
        at: now.toISOString(),
      };
      await this.outbox.enqueue(m, Topic.DataTagChanged, key, event);
    }
    if (added.length + removed.length > 0) this.outbox.wake();
    return { added: added.length, removed: removed.length };
  }
}
