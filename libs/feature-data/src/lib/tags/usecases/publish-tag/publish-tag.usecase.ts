import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DataAccessLogService } from '../../../data-access/data-access-log.service.js';
import type { ScanContext } from '../dry-run-tag/dry-run-tag.usecase.js';
import { TagMembershipService } from '../../tag-membership.service.js';
import { TagRulesService } from '../../tag-rules.service.js';
import type { TagRuleBody } from '../../tags.dto.js';
import { DataTag, DataTagVersion } from '../../tags.entities.js';

/**
 * Publishes a tag's rule as a new version (the same rule again changes nothing) and brings its
 * members in line over every known subject: each subject gained or lost is an event, and each
 * subject scanned has a bulk record (tag-publish) in "who used my data", in the same transaction.
 */
@Injectable()
export class PublishTag {
  private readonly log = new Logger('Tags');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: TagRulesService,
    private readonly membership: TagMembershipService,
    private readonly accessLog: DataAccessLogService,
  ) {}

  async execute(code: string, body: TagRuleBody, by: string, scan: ScanContext) {
    this.rules.compile(body.rule);
    const result = await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(DataTag);
      const current = await repo.findOne({ where: { code }, lock: { mode: 'pessimistic_write' } });
      if (current && current.rule === body.rule && current.name === body.name)
        return { tag: current, changed: false, added: 0, removed: 0 };
      const now = new Date();
      const tag: DataTag = { code, name: body.name, rule: body.rule, version: (current?.version ?? 0) + 1, updatedBy: by, updatedAt: now };
      await repo.save(tag);
      await m.getRepository(DataTagVersion).insert({ code, version: tag.version, rule: body.rule, publishedBy: by, publishedAt: now });
      const keys = await this.membership.allSubjects(m);
      const { matching } = await this.membership.evaluate(m, tag.rule, keys, now);
      await this.accessLog.recordScan(m, {
        ...scan,
        subjectKeys: keys,
        resources: this.membership.resourcesRead(tag.rule),
        processing: 'tag-publish',
      });
      const diff = await this.membership.apply(m, tag, keys, matching);
      return { tag, changed: true, ...diff };
    });
    if (result.changed)
      this.log.log(`标签 ${code} 第 ${result.tag.version} 版 (version published) by ${by}: +${result.added} −${result.removed}`);
    const { tag, ...rest } = result;
    return {
      code: tag.code,
      name: tag.name,
      rule: tag.rule,
      version: tag.version,
      updatedBy: tag.updatedBy,
      updatedAt: tag.updatedAt.toISOString(),
      ...rest,
    };
  }
}
