import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { POLICY_TAG_PREFIX, TAG_CODE_PATTERN } from '@gmp/contracts';

export { POLICY_TAG_PREFIX };

/** A policy's code: upper-case letters, digits and hyphens (e.g. JS-ZC-YEBT). */
export const POLICY_CODE = /^[A-Z][A-Z0-9-]{2,39}$/;

/** Body of PUT /internal/v1/business/policies/:code — a new version of the policy. */
export class PolicyBody {
  @IsString() @Length(2, 128) name!: string;
  /** What the person gets (e.g. 每孩每年 3600 元). */
  @IsString() @Length(2, 500) benefit!: string;
  /** Who is eligible, as a person reads it (shown with each offer: why they matched). */
  @IsString() @Length(2, 500) eligibility!: string;
  /**
   * Eligibility as a CEL rule over the data platform's profiles (`profile.records[…]`,
   * `profile.mentions[…]`, `now`), published there as the policy's own tag — or `tagCode`.
   */
  @IsOptional() @IsString() @Length(1, 2000) rule?: string;
  /** Eligibility as an existing tag of the data platform, taken as it is. */
  @IsOptional() @IsString() @Matches(TAG_CODE_PATTERN) tagCode?: string;
  /** The bundle to apply with, prefilled (一件事). */
  @IsOptional() @IsString() @Length(1, 64) bundleCode?: string;
  /**
   * 免申即享 proper: for each eligible subject the platform opens the bundle's case itself — the
   * bundle must ask nothing of the applicant (no required field, no material to hand in).
   */
  @IsOptional() @IsBoolean() applyFree?: boolean;
  /** `retired`: no new offers; the open ones are withdrawn. Default `active`. */
  @IsOptional() @IsIn(['active', 'retired']) status?: 'active' | 'retired';
}

/** Body of POST /internal/v1/business/policies/:code/dry-run. */
export class PolicyRuleBody {
  @IsString() @Length(1, 2000) rule!: string;
}

/** The data platform's tag that holds a policy's own rule. */
export function policyTagOf(code: string): string {
  return `${POLICY_TAG_PREFIX}${code.toLowerCase()}`;
}

/** Why profiles are scanned for a policy, as each subject reads it in "who used my data". */
export function policyScanPurpose(code: string, name: string): string {
  return `政策 ${code}「${name}」资格筛查 (policy eligibility screening)`.slice(0, 256);
}
