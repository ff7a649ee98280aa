import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RecordStoreService } from '../../../ingestion/record-store.service.js';
import { TagMembershipService } from '../../tag-membership.service.js';
import { DataTag } from '../../tags.entities.js';

/**
 * When a record is stored, every tag is re-evaluated for the subjects it concerns (its own, and
 * those it names — a birth certificate's parents), in the record's transaction: TagGained /
 * TagLost follow the data at once, with no scan.
 */
@Injectable()
export class RetagSubjects implements OnModuleInit {
  constructor(
    private readonly records: RecordStoreService,
    private readonly membership: TagMembershipService,
  ) {}

  onModuleInit(): void {
    this.records.onStored((m, keys, resources) => this.execute(m, keys, resources));
  }

  /** Re-evaluates the tags that read any of `resources` (all tags when not given) for the subjects of `keys`. */
  async execute(m: EntityManager, keys: string[], resources?: ReadonlySet<string>): Promise<void> {
    const tags = (await m.getRepository(DataTag).find()).filter((tag) => {
      const reads = this.membership.resourcesReadBy(tag.rule);
      return !resources || reads === 'all' || [...resources].some((r) => reads.has(r));
    });
    if (tags.length === 0) return;
    // Each subject's profile read once, whatever the number of tags.
    const profiles = await this.membership.profilesOf(m, keys);
    const now = new Date();
    for (const tag of tags) await this.membership.apply(m, tag, [...profiles.keys()], this.membership.matchingOf(tag.rule, profiles, now));
  }
}
