import { Type } from 'class-transformer';
import { IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { placeholderSecrets, type RefusesInProduction } from '@gmp/service-kit';

/** The identity capability's own variables: the OpenID provider's cookies and the face-match provider. */
export class IdentityConfig implements RefusesInProduction {
  /** Key of the OpenID provider's signed cookies (≥ 32 characters). */
  @ValidateIf((c: IdentityConfig) => c.OIDC_COOKIE_SECRET !== undefined)
  @IsString()
  @MinLength(32, { message: 'OIDC_COOKIE_SECRET 至少 32 个字符 (at least 32 characters)' })
  OIDC_COOKIE_SECRET?: string;

  /**
   * Face-match provider (人脸核验) for level-4 logins: an HTTPS endpoint that
   * takes { idNumber, name, evidence } and answers { matched, score }. Unset: level 4 is off.
   */
  @ValidateIf((c: IdentityConfig) => c.FACE_MATCH_URL !== undefined)
  @Matches(/^https?:\/\/\S+$/, { message: 'FACE_MATCH_URL 须为 http(s) URL (must be an http(s) URL)' })
  FACE_MATCH_URL?: string;

  /** Least face-match score (0–1) accepted for level 4. */
  @Type(() => Number)
  @Min(0)
  @Max(1)
  FACE_MATCH_MIN_SCORE = 0.8;

  refusedInProduction(): string[] {
    return placeholderSecrets(this, ['OIDC_COOKIE_SECRET']);
  }
}
