import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CorrectionDecisionBody } from '../../corrections.dto.js';
import { correctionView } from '../../corrections.dto.js';
import { DataCorrection } from '../../corrections.entities.js';
import { CorrectionsProblem } from '../../corrections.problems.js';

/**
 * The provider department answers a correction request: accepted (it then publishes the corrected
 * record through ingestion, checked and versioned like any change) or rejected, with its reason.
 * Answered once.
 */
@Injectable()
export class DecideCorrection {
  private readonly log = new Logger('Corrections');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(id: string, body: CorrectionDecisionBody, by: string) {
    const repo = this.dataSource.getRepository(DataCorrection);
    const c = await repo.findOneBy({ id });
    if (!c) throw CorrectionsProblem.CORRECTION_NOT_FOUND(id);
    if (c.ownerDepartment !== body.department) throw CorrectionsProblem.NOT_THE_OWNER(body.department);
    if (c.status !== 'open') throw CorrectionsProblem.ALREADY_DECIDED(c.status);
    const now = new Date();
    const status = body.accept ? 'accepted' : 'rejected';
    // Only while still open: a concurrent answer loses with 409.
    const updated = await repo.update(
      { id, status: 'open' },
      { status, decidedAt: now, decidedBy: by.slice(0, 128), decisionReason: body.reason },
    );
    if (!updated.affected) throw CorrectionsProblem.ALREADY_DECIDED();
    this.log.log(`纠错申请 ${id} ${status} by ${by}`);
    return correctionView({ ...c, status, decidedAt: now, decidedBy: by.slice(0, 128), decisionReason: body.reason });
  }
}
