import { todayInChina } from '@gmp/gov-standards';
import { WorkingDaysClient } from '@gmp/messaging';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { CatalogueService } from '../../../catalogue/catalogue.service.js';
import { type ShareApplicationBody, shareView } from '../../sharing.dto.js';
import { DataShare } from '../../sharing.entities.js';
import { SharingEventsService } from '../../sharing-events.service.js';
import { SharingProblem } from '../../sharing.problems.js';

/** The owner department answers a conditional application within this many working days (国家共享规定). */
export const ANSWER_WITHIN_WORKING_DAYS = 10;

/**
 * A department applies for a resource (共享申请). By the resource's sharing type: unconditional →
 * approved at once; conditional → pending, the owner to answer within 10 working days (the due
 * day from the platform's calendar); not shared → refused with the resource's reason. Every
 * application is kept, whatever its answer, and announced as an event.
 */
@Injectable()
export class ApplyForShare {
  private readonly log = new Logger('Sharing');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
    private readonly workingDays: WorkingDaysClient,
    private readonly events: SharingEventsService,
  ) {}

  async execute(body: ShareApplicationBody, by: string) {
    const { resource } = await this.catalogue.require(body.resourceCode);
    const known = new Set(resource.definition.items.map((i) => i.code));
    const unknown = body.items.filter((i) => !known.has(i));
    if (unknown.length > 0)
      throw SharingProblem.ITEMS_NOT_IN_RESOURCE(
        unknown.join(', '),
        unknown.map((i) => ({ field: 'items', message: `${i}: 不是资源 ${resource.code} 的数据项 (not an item of the resource)` })),
      );
    const now = new Date();
    // Hidden reads and plain values are always the owner's decision: an unconditional resource asked for with either waits like a conditional one.
    const hide = body.hideReadsDays !== undefined;
    const type = resource.sharingType === 'unconditional' && (hide || body.plainValues === true) ? 'conditional' : resource.sharingType;
    const due = type === 'conditional' ? await this.workingDays.deadline(todayInChina(now), ANSWER_WITHIN_WORKING_DAYS) : null;
    const share: DataShare = {
      id: randomUUID(),
      resourceCode: resource.code,
      ownerDepartment: resource.providerDepartment,
      applicantDepartment: body.applicantDepartment,
      appKey: body.appKey,
      items: [...new Set(body.items)],
      purpose: body.purpose,
      legalBasis: body.legalBasis,
      validDays: body.validDays,
      plainRequested: body.plainValues ?? false,
      // Unconditional resources are shared as catalogued: masked by grade, plain values only by an owner's decision.
      plainValues: false,
      hideReadsDays: body.hideReadsDays ?? null,
      hideReason: body.hideReason ?? null,
      status: type === 'unconditional' ? 'approved' : type === 'conditional' ? 'pending' : 'refused',
      dueOn: due?.due ?? null,
      provisional: due?.provisional ?? false,
      validUntil: type === 'unconditional' ? new Date(now.getTime() + body.validDays * 86_400_000) : null,
      requestedBy: by,
      requestedAt: now,
      decidedBy: type === 'conditional' ? null : 'catalogue',
      decidedAt: type === 'conditional' ? null : now,
      decisionReason: type === 'none' ? `不予共享 (not shared): ${resource.definition.sharingCondition ?? ''}`.slice(0, 1000) : null,
      remindedAt: null,
    };
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(DataShare).insert(share as QueryDeepPartialEntity<DataShare>);
      await this.events.changed(m, share, share.status === 'pending' ? 'applied' : share.status === 'approved' ? 'approved' : 'refused');
    });
    this.events.wake();
    this.log.log(`共享申请 ${share.id}: ${share.applicantDepartment} → ${share.resourceCode} (${share.status}) by ${by}`);
    return shareView(share);
  }
}
