import { IsBoolean, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

/**
 * Who and why, carried by every request and event (in the spirit of X-Road's user-id and
 * issue headers): the correlation id, the calling business-line app, the end user on whose
 * behalf it calls, and the purpose or case that justifies reading personal data.
 */
export class CallMeta {
  /** Unique id of this message; consumers deduplicate on it. */
  @IsUUID()
  messageId!: string;

  /** Follows one business call across HTTP and Kafka. */
  @IsString()
  @Length(1, 128)
  @Matches(/^[A-Za-z0-9._:-]+$/)
  correlationId!: string;

  /** App key of the calling business line (or the service name for internal calls). */
  @IsString()
  @Length(1, 64)
  app!: string;

  /** End user the app acts for (an opaque id, never a plain ID number). */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  endUser?: string;

  /** Legal purpose of the call (e.g. a matter name). */
  @IsOptional()
  @IsString()
  @Length(1, 256)
  purpose?: string;

  /** True when the end user was authenticated by dispatch (a user access token), not merely named by the app. */
  @IsOptional()
  @IsBoolean()
  endUserAuthenticated?: boolean;

  /**
   * Registered legal basis (its code) under which the app reads personal data without the data
   * subject's authorisation. Dispatch sets it only after checking that the capability's owner
   * granted the basis to the app for this capability; a typed string never gets here.
   */
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{1,63}$/)
  legalBasis?: string;

  /** The basis as people read it (《law》article), for access records and "who used my data". */
  @IsOptional()
  @IsString()
  @Length(1, 256)
  legalBasisTitle?: string;

  /** Case number (办件编号) the call belongs to. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  caseId?: string;

  @IsISO8601({ strict: true })
  sentAt!: string;
}
