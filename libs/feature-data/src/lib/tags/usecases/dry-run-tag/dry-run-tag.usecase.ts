import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CallMeta } from '@gmp/contracts';
import { DataAccessLogService } from '../../../data-access/data-access-log.service.js';
import { TagMembershipService } from '../../tag-membership.service.js';
import { DataTag, DataTagMember } from '../../tags.entities.js';

export interface DryRunReport {
  scanned: number;
  matches: number;
  /** Profiles the rule failed on (a missing field): counted as no. */
  errors: number;
  /** The tag's current version (0 for a new tag). */
  currentVersion: number;
  /** Against the current version (none for a new tag): subjects the new rule would add and remove. */
  added: number;
  removed: number;
  tookMs: number;
}

/** Who asks for a scan and why: each subject scanned has a bulk record in "who used my data". */
export interface ScanContext {
  meta: CallMeta;
  purpose: string;
}

/**
 * Runs a rule over every known subject (up to SCAN_LIMIT) without changing anything: how many
 * match and the difference to the current version — counts only, no subject (not even a hash
 * prefix, which would follow a person from one run to the next). The profiles were read all the same: each subject scanned
 * has a bulk record (tag-dry-run) per resource the rule reads.
 */
@Injectable()
export class DryRunTag {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly membership: TagMembershipService,
    private readonly accessLog: DataAccessLogService,
  ) {}

  async execute(code: string, rule: string, scan: ScanContext): Promise<DryRunReport> {
    const started = performance.now();
    const m = this.dataSource.manager;
    const keys = await this.membership.allSubjects(m);
    const { matching, scanned, errors } = await this.membership.evaluate(m, rule, keys);
    await this.accessLog.recordScan(m, {
      ...scan,
      subjectKeys: keys,
      resources: this.membership.resourcesRead(rule),
      processing: 'tag-dry-run',
    });
    const tag = await m.getRepository(DataTag).findOneBy({ code });
    const current = tag
      ? new Set((await m.getRepository(DataTagMember).findBy({ tagCode: code })).map((r) => r.subjectKey.trim()))
      : new Set<string>();
    return {
      scanned,
      matches: matching.size,
      errors,
      currentVersion: tag?.version ?? 0,
      added: [...matching].filter((k) => !current.has(k)).length,
      removed: [...current].filter((k) => !matching.has(k)).length,
      tookMs: Math.round(performance.now() - started),
    };
  }
}
