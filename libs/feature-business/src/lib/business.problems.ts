import { problemVocabulary } from '@gmp/service-kit';

/** The matter catalogue's and the bundles' problems (事项目录, 一件事). */
export const CatalogueProblem = problemVocabulary({
  MATTER_NOT_FOUND: { status: 404, title: '没有该事项 (no such matter)' },
  MATTER_INVALID: { status: 422, title: '事项定义不能运行 (the matter definition cannot run; every error is listed)' },
  MATTER_CODE_MISMATCH: { status: 400, title: '路径中的事项编码与定义不一致 (the path’s matter code differs from the definition’s)' },
  BUNDLE_NOT_FOUND: { status: 404, title: '没有该一件事 (no such bundle, or no active version)' },
  BUNDLE_INVALID: { status: 422, title: '一件事定义无法编译 (the bundle does not compile; every error is listed)' },
  BUNDLE_DEFINITION_INVALID: { status: 400, title: '一件事定义格式不正确 (the bundle definition is malformed)' },
  BUNDLE_VERSION_EXISTS: {
    status: 409,
    title: '该版本已发布且内容不同 (this version is published with another content: publish a new version)',
  },
  BUNDLE_VERSION_OLD: { status: 409, title: '版本号须大于已发布的最高版本 (a new version number must be above the highest published)' },
  BUNDLE_RETIRED: { status: 409, title: '该版本已停用 (this bundle version is retired)' },
  BUNDLE_MEDIA_TYPE: { status: 415, title: '一件事定义须为 YAML 或 JSON (a bundle definition is application/yaml or application/json)' },
  DATA_CATALOGUE_UNAVAILABLE: {
    status: 503,
    title: '数据中台目录暂不可用，稍后重试 (the data platform’s catalogue did not answer; retry later)',
  },
});
