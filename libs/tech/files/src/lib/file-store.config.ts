import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';

/** The file store's own variables: largest upload, where contents live, the malware-scanner hook. */
export class FileStoreConfig {
  /** Largest file the file store accepts (bytes). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  FILE_MAX_BYTES = 20 * 1024 * 1024;

  /** Where file contents live: `pg` (the service's database) or a directory path on disk. */
  @IsString()
  @MinLength(2)
  FILE_STORE = 'pg';

  /** Malware scanner hook: POST the bytes, answer { clean: boolean, signature? }. Unset: files are not scanned (status `unscanned`). */
  @ValidateIf((c: FileStoreConfig) => c.FILE_SCAN_URL !== undefined)
  @Matches(/^https?:\/\/\S+$/, { message: 'FILE_SCAN_URL 须为 http(s) URL (must be an http(s) URL)' })
  FILE_SCAN_URL?: string;
}
