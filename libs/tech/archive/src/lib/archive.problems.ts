import { problemVocabulary } from '@gmp/service-kit';

/** The e-archive module's problems: every refusal it answers, with its status and title. */
export const ArchivingProblem = problemVocabulary({
  RETENTION_REQUIRED: { status: 422, title: '须给出保管年限或永久保管之一 (give either retentionYears or permanent: true)' },
  ENTRY_INVALID: { status: 422, title: '档案条目无效 (invalid archive entry)' },
  ENTRY_FILE_MISSING: { status: 422, title: '条目引用的文件不存在或已损坏 (an entry’s file is missing or damaged)' },
  UNKNOWN_PACKAGE: { status: 404, title: '档案不存在 (archive package not found)' },
  ALREADY_ARCHIVED: { status: 409, title: '该办件已归档 (the case is already archived)' },
});
