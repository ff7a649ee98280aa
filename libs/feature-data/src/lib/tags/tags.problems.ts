import { problemVocabulary } from '@gmp/service-kit';

/** Tags' problems (标签库). */
export const TagsProblem = problemVocabulary({
  TAG_CODE_INVALID: { status: 400, title: '标签编码无效 (a tag code is lower-case letters, digits and hyphens)' },
  TAG_RESERVED: {
    status: 400,
    title:
      '政策标签 policy-* 仅由政策发布维护，其他标签不能由此发布 (policy-* tags are the policies’ own, published with them; this call publishes no other)',
  },
  TAG_NOT_FOUND: { status: 404, title: '没有该标签 (no such tag)' },
  RULE_INVALID: { status: 422, title: '标签规则无法编译或不返回布尔值 (the CEL rule does not compile or does not answer true or false)' },
});
