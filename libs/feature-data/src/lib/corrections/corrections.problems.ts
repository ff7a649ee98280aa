import { problemVocabulary } from '@gmp/service-kit';

/** Correction requests' problems (数据纠错). */
export const CorrectionsProblem = problemVocabulary({
  RESOURCE_NOT_FOUND: { status: 404, title: '目录中没有该资源 (no such resource in the catalogue)' },
  ELEMENT_NOT_IN_RESOURCE: { status: 422, title: '该资源没有这个数据元 (the resource has no item with this data element)' },
  NO_RECORD: { status: 404, title: '该资源中没有您的记录 (the resource holds no record of yours)' },
  CORRECTION_NOT_FOUND: { status: 404, title: '没有该纠错申请 (no such correction request)' },
  NOT_THE_OWNER: { status: 403, title: '只有资源提供部门可以答复 (only the resource’s provider department answers)' },
  ALREADY_DECIDED: { status: 409, title: '该纠错申请已答复 (the correction request was already answered)' },
});
