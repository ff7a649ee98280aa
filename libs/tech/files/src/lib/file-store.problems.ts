import { problemVocabulary } from '@gmp/service-kit';

/** The file store module's problems: every refusal it answers, with its status and title. */
export const FileStoreProblem = problemVocabulary({
  EMPTY_FILE: { status: 400, title: '文件内容为空 (the file is empty)' },
  UNSUPPORTED_FILE_TYPE: { status: 415, title: '仅接受 PDF、JPEG、PNG、OFD 文件 (only PDF, JPEG, PNG and OFD files are accepted)' },
  SCANNER_UNAVAILABLE: { status: 503, title: '病毒扫描服务暂不可用，请稍后再传 (the malware scanner is unavailable; try again later)' },
  FILE_INFECTED: { status: 422, title: '文件未通过病毒扫描，已拒收 (the file failed the malware scan and was refused)' },
  UNKNOWN_FILE: { status: 404, title: '文件不存在 (file not found)' },
  FILE_CORRUPTED: { status: 500, title: '文件内容已损坏 (the stored content does not match its hash)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: '不支持的上传方式 (unsupported media type)' },
  FILE_TOO_LARGE: { status: 413, title: '文件过大 (file too large)' },
});
