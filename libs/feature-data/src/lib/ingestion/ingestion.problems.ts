import { problemVocabulary } from '@gmp/service-kit';

/** Ingestion's problems (数据归集与问题数据). */
export const IngestionProblem = problemVocabulary({
  QUARANTINE_ENTRY_NOT_FOUND: { status: 404, title: '没有该问题数据 (no such quarantine entry)' },
  QUARANTINE_ENTRY_CLOSED: { status: 409, title: '该问题数据已处理 (the entry was already accepted or discarded)' },
  KEY_CHANGED: { status: 422, title: '更正改变了记录的主体 (the correction changes the record’s key item)' },
  RECORD_STALE: { status: 409, title: '已有更新的记录 (a newer record of the subject is stored)' },
  RECORD_STILL_FAILS: { status: 422, title: '更正后的记录仍未通过校验 (the corrected record still fails its checks)' },
  RESOURCE_RETIRED: { status: 409, title: '资源已停用，不再归集 (the resource is retired)' },
  NOT_PROVIDER: { status: 403, title: '不是该资源的提供部门 (only the resource’s provider department loads its records)' },
  BULK_LOAD_NOT_FOUND: { status: 404, title: '没有该批量归集 (no such bulk load)' },
  BULK_LOAD_EMPTY: { status: 400, title: '上传没有记录 (the upload holds no record)' },
  BULK_LOAD_TOO_LARGE: { status: 413, title: '上传过大 (the upload is over 1 GiB or 10 million lines)' },
  BULK_LINE_INVALID: { status: 400, title: '上传的某一行无法接收 (a line of the upload cannot be received)' },
  BULK_UPLOAD_INTERRUPTED: { status: 400, title: '上传中断，未保存任何内容 (the upload was interrupted; nothing was kept)' },
  BULK_CONTENT_TYPE: { status: 415, title: '须为 application/x-ndjson (the upload must be application/x-ndjson)' },
});
