import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type ShareRevokeBody, shareView } from '../../sharing.dto.js';
import { DataShare } from '../../sharing.entities.js';
import { SharingEventsService } from '../../sharing-events.service.js';
import { SharingProblem } from '../../sharing.problems.js';

/** The owner department revokes an approved grant, with its reason: the next data-service call is refused. */
@Injectable()
export class RevokeShare {
  private readonly log = new Logger('Sharing');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: SharingEventsService,
  ) {}

  async execute(id: string, body: ShareRevokeBody, by: string) {
    const revoked = await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(DataShare);
      const share = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!share) throw SharingProblem.APPLICATION_NOT_FOUND(id);
      if (body.department !== share.ownerDepartment) throw SharingProblem.NOT_THE_OWNER(`${share.resourceCode}: ${share.ownerDepartment}`);
      if (share.status !== 'approved') throw SharingProblem.NOT_REVOCABLE(`${id}: ${share.status}`);
      Object.assign(share, { status: 'revoked', decidedBy: by, decidedAt: new Date(), decisionReason: body.reason });
      await repo.save(share);
      await this.events.changed(m, share, 'revoked');
      return share;
    });
    this.events.wake();
    this.log.log(`共享授权 ${id} 已撤销 (revoked) by ${by}`);
    return shareView(revoked);
  }
}
