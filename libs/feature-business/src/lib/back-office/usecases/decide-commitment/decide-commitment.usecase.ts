import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '@gmp/identity';
import { describeError, OutboxService } from '@gmp/messaging';
import { CaseProgressService } from '../../../cases/case-progress.service.js';
import { BizCaseCommitment, type CommitmentStatus } from '../../../cases/cases.entities.js';
import { CommitmentRevocation } from '../../../cases/commitment-revocation.service.js';
import { approverRoles } from '../../../matters/workflow.js';
import { BackOfficeProblem } from '../../back-office.problems.js';
import { StaffPartsService } from '../../staff-parts.service.js';

export interface DecideCommitmentCommand {
  partId: string;
  material: string;
  principal: Principal;
  /** `kept`: the commitment holds (inspection passed, or a failed check explained); `broken`: 承诺不实 — revoke. */
  decision: 'kept' | 'broken';
  reason: string;
}

/**
 * The department's word on a commitment of its part (告知承诺认定): the result of its own
 * inspection (现场核查) once the case is delivered, or its decision on a revocation a failed data
 * check opened — the applicant may have explained (陈述申辩). Staff who may approve the part
 * decide, within their data scope, once. `broken` writes the broken-commitment record to the
 * credit library and revokes the matter's e-licences (see CommitmentRevocation).
 */
@Injectable()
export class DecideCommitment {
  private readonly log = new Logger('DecideCommitment');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly parts: StaffPartsService,
    private readonly progress: CaseProgressService,
    private readonly revocation: CommitmentRevocation,
    private readonly outbox: OutboxService,
  ) {}

  async execute(cmd: DecideCommitmentCommand): Promise<BizCaseCommitment> {
    const { part, c } = await this.parts.visible(cmd.partId, cmd.principal);
    const row = await this.dataSource
      .getRepository(BizCaseCommitment)
      .findOneBy({ caseId: c.id, matterCode: part.matterCode, materialCode: cmd.material });
    if (!row) throw BackOfficeProblem.COMMITMENT_NOT_FOUND(`${c.caseNo} ${part.matterName} ${cmd.material}`);
    const definition = await this.parts.matterOf(c, part.matterCode);
    const roles = approverRoles(definition.workflow);
    if (!roles.some((r) => cmd.principal.roles.includes(r)))
      throw BackOfficeProblem.ROLE_NOT_ALLOWED(`告知承诺认定须为 ${roles.join(', ')} (deciding needs one of these roles)`);
    // Only a matter the applicant received (approved, delivered) is verified: a refused part's commitment never is.
    const open =
      part.status === 'approved' &&
      c.deliveryStatus === 'delivered' &&
      (row.status === 'failed' || row.status === 'unverifiable' || (row.status === 'pending' && row.method === 'inspection'));
    if (!open)
      throw BackOfficeProblem.COMMITMENT_NOT_OPEN(
        `${row.materialName}: ${row.status}, ${row.method}, part ${part.status}, ${c.deliveryStatus ?? 'not delivered'}`,
      );
    const to: CommitmentStatus = cmd.decision === 'broken' ? 'revoked' : row.status === 'failed' ? 'upheld' : 'passed';
    const actor = `${part.department}/${cmd.principal.subject}`.slice(0, 128);
    const now = new Date();
    const decided = await this.dataSource.transaction(async (m) => {
      const moved = await m.getRepository(BizCaseCommitment).update(
        { id: row.id, status: row.status },
        {
          status: to,
          decidedBy: actor,
          decidedAt: now,
          reason: cmd.reason,
          checkedAt: row.checkedAt ?? now,
          // The revocation is finished below; the sweep takes it over only if that has not happened by then.
          nextTryAt: to === 'revoked' ? new Date(now.getTime() + 10 * 60_000) : null,
          attempts: 0,
        },
      );
      if (moved.affected !== 1) throw BackOfficeProblem.COMMITMENT_NOT_OPEN(`${row.materialName}: decided meanwhile`);
      if (to === 'revoked') await this.revocation.open(m, c, row, cmd.reason, actor, now);
      else
        await this.progress.note(
          m,
          c,
          'commitment-kept',
          row.status === 'failed'
            ? `告知承诺经${part.department}认定已履行（${cmd.reason}），不予撤销`
            : `告知承诺现场核查通过：「${row.materialName}」（${cmd.reason}）`,
          actor,
          part.matterCode,
        );
      return m.getRepository(BizCaseCommitment).findOneByOrFail({ id: row.id });
    });
    if (to === 'revoked') {
      this.outbox.wake();
      // The sweep retries what does not finish now.
      await this.revocation
        .finish(decided, c)
        .catch((err) => this.log.warn(`撤销未完成，待扫描重试 (revocation left to the sweep) ${c.caseNo}: ${describeError(err)}`));
    }
    return (await this.dataSource.getRepository(BizCaseCommitment).findOneBy({ id: row.id })) ?? decided;
  }
}
