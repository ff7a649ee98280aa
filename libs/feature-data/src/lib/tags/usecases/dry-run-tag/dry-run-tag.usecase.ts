import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TagMembershipService } from '../../tag-membership.service.js';
import { DataTag, DataTagMember } from '../../tags.entities.js';

export interface DryRunReport {
  scanned: number;
  matches: number;
  /** Profiles the rule failed on (a missing field): counted as no. */
  errors: number;
  /** Up to 10 matching subjects (the first 12 characters of their keyed hash). */
  sample: string[];
  /** Against the current version (none for a new tag): subjects the new rule would add and remove. */
  added: number;
  removed: number;
  tookMs: number;
}

/** Runs a rule over every known subject without changing anything: how many match, a sample, the difference to the current version. */
@Injectable()
export class DryRunTag {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly membership: TagMembershipService,
  ) {}

  async execute(code: string, rule: string): Promise<DryRunReport> {
    const started = performance.now();
    const m = this.dataSource.manager;
    const keys = await this.membership.allSubjects(m);
    const { matching, scanned, errors } = await this.membership.evaluate(m, rule, keys);
    const exists = await m.getRepository(DataTag).existsBy({ code });
    const current = exists
      ? new Set((await m.getRepository(DataTagMember).findBy({ tagCode: code })).map((r) => r.subjectKey.trim()))
      : new Set<string>();
    return {
      scanned,
      matches: matching.size,
      errors,
      sample: [...matching].slice(0, 10).map((k) => k.slice(0, 12)),
      added: [...matching].filter((k) => !current.has(k)).length,
      removed: [...current].filter((k) => !matching.has(k)).length,
      tookMs: Math.round(performance.now() - started),
    };
  }
}
