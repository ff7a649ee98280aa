import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { DataCorrection } from './corrections.entities.js';

/** Body of POST …/corrections/:id/decision — the owner department's answer. */
export class CorrectionDecisionBody {
  /** The answering department (must provide the resource). */
  @IsString() @Length(1, 64) department!: string;
  /** Accepted: the department publishes the corrected record through ingestion; rejected: the value stands. */
  @IsBoolean() accept!: boolean;
  @IsString() @Length(2, 1000) reason!: string;
}

export class CorrectionListQuery {
  @IsString() @Length(1, 64) department!: string;
  @IsOptional() @Matches(/^(open|accepted|rejected)$/) status?: string;
}

export function correctionView(c: DataCorrection) {
  return {
    id: c.id,
    resourceCode: c.resourceCode,
    subjectMasked: c.subjectMasked,
    item: c.item,
    currentValue: c.currentValue ?? null,
    dataElement: c.dataElement,
    proposedValue: c.proposedValue,
    reason: c.reason,
    ownerDepartment: c.ownerDepartment,
    app: c.app,
    caseId: c.caseId,
    status: c.status,
    dueOn: c.dueOn,
    provisional: c.provisional,
    createdAt: c.createdAt.toISOString(),
    decidedAt: c.decidedAt?.toISOString() ?? null,
    decidedBy: c.decidedBy,
    decisionReason: c.decisionReason,
  };
}
