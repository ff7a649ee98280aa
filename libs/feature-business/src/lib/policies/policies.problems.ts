import { problemVocabulary } from '@gmp/service-kit';

/** 免申即享: policies, their rules and the person's offers. */
export const PolicyProblem = problemVocabulary({
  OFFER_NOT_FOUND: { status: 404, title: '没有向您推送该政策 (no such policy was offered to you)' },
  POLICY_ADMIN_REQUIRED: { status: 403, title: '须具有政策管理权限 (only staff holding policy:manage publish policies or scan for them)' },
  POLICY_CHANGED_MEANWHILE: {
    status: 409,
    title: '政策已被他人同时修改，请读取后重试 (the policy was published by someone else meanwhile: read it and try again)',
  },
  TAG_RESERVED: {
    status: 400,
    title: '政策自有标签 policy-* 不能作为已有标签引用 (a policy’s own tag policy-* is not an existing tag to name)',
  },
  POLICY_NOT_FOUND: { status: 404, title: '没有该政策 (no such policy)' },
  POLICY_CODE_INVALID: { status: 400, title: '政策编码无效 (a policy code is upper-case letters, digits and hyphens, 3–40)' },
  RULE_OR_TAG: {
    status: 400,
    title: '资格条件须为规则或已有标签二者之一 (give exactly one of rule — CEL over profiles — and tagCode — an existing tag)',
  },
  ELIGIBILITY_SOURCE_FIXED: {
    status: 409,
    title:
      '政策的资格来源不能改变：请停用后发布新政策 (a policy’s eligibility source — its own rule or a named tag — cannot change: retire it and publish a new one)',
  },
  RULE_INVALID: { status: 422, title: '资格规则无法编译或不返回布尔值 (the CEL rule does not compile or does not answer true or false)' },
  BUNDLE_NOT_APPLY_FREE: {
    status: 422,
    title:
      '免申即享的一件事不能要求申请人填写或提交任何内容 (an apply-free bundle asks the applicant for nothing: no required field, no material to hand in)',
  },
  BUNDLE_NOT_FOUND: { status: 422, title: '没有该一件事或其无启用版本 (no such bundle, or none of its versions is active)' },
  DATA_PLATFORM_UNAVAILABLE: { status: 503, title: '数据中台暂不可用，稍后重试 (the data platform did not answer; retry later)' },
});
