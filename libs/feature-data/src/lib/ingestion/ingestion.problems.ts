import { problemVocabulary } from '@gmp/service-kit';

/** Ingestion's problems (数据归集与问题数据). */
export const IngestionProblem = problemVocabulary({
  QUARANTINE_ENTRY_NOT_FOUND: { status: 404, title: '没有该问题数据 (no such quarantine entry)' },
  QUARANTINE_ENTRY_CLOSED: { status: 409, title: '该问题数据已处理 (the entry was already accepted or discarded)' },
  RECORD_STILL_FAILS: { status: 422, title: '更正后的记录仍未通过校验 (the corrected record still fails its checks)' },
});
