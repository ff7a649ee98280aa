import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RateCaseInput, RateCaseReply } from '@gmp/contracts';
import { todayInChina } from '@gmp/gov-standards';
import { WorkingDaysClient } from '@gmp/messaging';
import { BusinessConfig } from '../../../business.config.js';
import { CaseProgressService } from '../../../cases/case-progress.service.js';
import { BizCase, BizCasePart } from '../../../cases/cases.entities.js';
import { BizRating, BizRectification } from '../../ratings.entities.js';
import { RatingProblem } from '../../ratings.problems.js';

/** Scores that are bad ratings (差评): they open a rectification. */
export const BAD_SCORES = [1, 2];

/**
 * 好差评: the applicant rates a settled case (its department: the service centre) or a
 * department's decided part, once each. A bad rating opens the department's rectification, due
 * in BUSINESS_RECTIFY_DAYS working days (the calendar asked before the transaction); the rating
 * is on the case's timeline. Whose case it is was settled by the caller (the applicant's subject).
 */
@Injectable()
export class RateCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: BusinessConfig,
    private readonly workingDays: WorkingDaysClient,
    private readonly progress: CaseProgressService,
  ) {}

  async execute(c: BizCase, input: RateCaseInput): Promise<RateCaseReply> {
    let department = this.settings.BUSINESS_SERVICE_CENTRE;
    let subject = '办件';
    if (input.matterCode) {
      const part = await this.dataSource.getRepository(BizCasePart).findOneBy({ caseId: c.id, matterCode: input.matterCode });
      if (!part) throw RatingProblem.PART_NOT_FOUND(`${c.caseNo} ${input.matterCode}`);
      if (part.status !== 'approved' && part.status !== 'rejected')
        throw RatingProblem.NOT_SETTLED(`「${part.matterName}」: ${part.status}`);
      department = part.department;
      subject = `「${part.matterName}」`;
    } else if (!['completed', 'partly-completed', 'stopped'].includes(c.status))
      // A withdrawn case was not served to its end: its parts may be rated, the case not.
      throw RatingProblem.NOT_SETTLED(`${c.caseNo}: ${c.status}`);
    const bad = BAD_SCORES.includes(input.score);
    const due = bad ? await this.workingDays.deadline(todayInChina(new Date()), this.settings.BUSINESS_RECTIFY_DAYS) : null;
    const now = new Date();
    const rating: BizRating = {
      id: randomUUID(),
      caseId: c.id,
      matterCode: input.matterCode ?? '',
      department,
      bundleCode: c.bundleCode,
      score: input.score,
      reasons: [...new Set(input.reasons ?? [])],
      comment: input.comment ?? null,
      ratedAt: now,
    };
    try {
      return await this.dataSource.transaction(async (m) => {
        await m.getRepository(BizRating).insert(rating);
        let rectification: RateCaseReply['rectification'] = null;
        if (due) {
          await m.getRepository(BizRectification).insert({
            id: randomUUID(),
            ratingId: rating.id,
            caseId: c.id,
            department,
            status: 'pending',
            dueOn: due.due,
            extendedDays: 0,
            handledBy: null,
            finishedAt: null,
            note: null,
            requestKind: null,
            reviewedBy: null,
            reviewNote: null,
            revisit: false,
            createdAt: now,
          });
          rectification = { department, status: 'pending', dueOn: due.due };
        }
        await this.progress.note(
          m,
          c,
          'rated',
          `申请人评价${subject}：${input.score} 星${bad ? `（差评，${department} 须于 ${due!.due} 前整改）` : ''}`,
          'applicant',
          input.matterCode ?? null,
        );
        return { ratingId: rating.id, score: rating.score, rectification };
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw RatingProblem.ALREADY_RATED(`${c.caseNo} ${input.matterCode ?? ''}`.trim());
      throw err;
    }
  }
}
