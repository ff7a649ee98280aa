import type { BizCase, BizCaseEvent, BizCaseOutput, BizCasePart } from '../../cases.entities.js';

/** A case as one archive package's entries: the application, its materials, each department's decision, the licences, the timeline (at most 500). */
export function archiveEntries(
  c: BizCase,
  parts: BizCasePart[],
  outputs: BizCaseOutput[],
  events: BizCaseEvent[],
): Record<string, unknown>[] {
  return [
    {
      kind: 'application',
      title: '申请表 (application)',
      record: {
        caseNo: c.caseNo,
        bundle: `${c.bundleCode} v${c.bundleVersion}`,
        applicant: c.applicantMasked,
        form: c.form,
        submittedAt: c.submittedAt.toISOString(),
      },
    },
    ...c.materials
      .filter((x) => x.fileId)
      .map((x) => ({ kind: 'material', title: x.name.slice(0, 128), record: { code: x.code, fileId: x.fileId } })),
    ...parts.map((p) => ({
      kind: 'decision',
      title: `${p.matterName}`.slice(0, 128),
      record: {
        matter: p.matterCode,
        department: p.department,
        status: p.status,
        decidedAt: p.decidedAt?.toISOString() ?? null,
        reason: p.reason,
        outputs: p.outputs,
      },
    })),
    ...outputs.map((o) => ({
      kind: 'licence',
      title: o.name,
      record: { licenceId: o.licenceId, number: o.number, type: o.licenceType },
    })),
    {
      kind: 'log',
      title: '办理过程 (timeline)',
      record: {
        events: events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, matter: e.matterCode, actor: e.actor, message: e.message })),
      },
    },
  ].slice(0, 500);
}
