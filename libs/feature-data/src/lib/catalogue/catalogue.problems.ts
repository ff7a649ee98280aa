import { problemVocabulary } from '@gmp/service-kit';

/** The resource catalogue's problems (数据资源目录). */
export const CatalogueProblem = problemVocabulary({
  RESOURCE_CODE_INVALID: { status: 400, title: '资源编码无效 (invalid resource code)' },
  RESOURCE_NOT_FOUND: { status: 404, title: '目录中没有该资源 (no such resource in the catalogue)' },
  DEFINITION_INVALID: { status: 422, title: '资源定义有误 (the resource definition is inconsistent)' },
  CONCURRENT_CHANGE: { status: 409, title: '该资源正被同时发布，请重试 (the resource was being published at the same time; try again)' },
  PROVIDER_CHANGED: {
    status: 409,
    title: '资源的提供部门不能更改 (a resource’s provider department cannot change; catalogue a new resource)',
  },
});
