import { problemVocabulary } from '@gmp/service-kit';

/** Ingestion's problems (数据归集与问题数据). */
export const IngestionProblem = problemVocabulary({
  QUARANTINE_ENTRY_NOT_FOUND: { status: 404, title: '没有该问题数据 (no such quarantine entry)' },
  QUARANTINE_ENTRY_CLOSED: { status: 409, title: '该问题数据已处理 (the entry was already accepted or discarded)' },
  KEY_CHANGED: { status: 422, title: '更正改变了记录的主体 (the correction changes the record’s key item)' },
  RECORD_STALE: { status: 409, title: '已有更新的记录 (a newer record of the subject is stored)' },
  RECORD_STILL_FAILS: { status: 422, title: '更正后的记录仍未通过校验 (the corrected record still fails its checks)' },
});
