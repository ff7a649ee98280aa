import { problemVocabulary } from '@gmp/service-kit';

/** 好差评 and its rectifications. A rectification outside the caller's data scope is "not found". */
export const RatingProblem = problemVocabulary({
  NOT_SETTLED: { status: 409, title: '办件或该部分尚未办结，暂不能评价 (the case or part is not settled yet)' },
  ALREADY_RATED: { status: 409, title: '已评价过 (already rated)' },
  PART_NOT_FOUND: { status: 404, title: '该办件没有这一事项 (the case has no part for this matter)' },
  RECTIFICATION_NOT_FOUND: {
    status: 404,
    title: '没有该整改任务，或不在您的数据权限内 (no such rectification, or outside your data scope)',
  },
  WRONG_STEP: { status: 409, title: '整改任务当前状态不能这样办理 (not possible from the rectification’s current status)' },
  ALREADY_EXTENDED: { status: 409, title: '整改期限只能延长一次 (a rectification is extended once)' },
  NOT_STAFF: {
    status: 403,
    title: '须为部门工作人员（case:handle）或好差评审核岗（rating:review） (department staff or a rating reviewer only)',
  },
  REVISIT_REQUIRED: {
    status: 422,
    title:
      '该整改抽中回访：须先回访申请人并填写 revisitSatisfied (sampled for a return visit: call the applicant and give revisitSatisfied first)',
  },
  REVISIT_UNSATISFIED: {
    status: 409,
    title:
      '回访不满意，不能验收办结，请退回继续整改 (the applicant was not satisfied on the return visit: send it back, it cannot be closed)',
  },
  REVIEWER_REQUIRED: { status: 403, title: '须由好差评审核岗审核 (a reviewer with rating:review decides)' },
});
