/**
 * Unified social credit code — 统一社会信用代码 (GB 32100-2015).
 *
 * 18 characters over a 31-symbol alphabet (no I, O, S, V, Z):
 * position 1 registration authority, 2 kind, 3–8 division code, 9–17 organisation code
 * (GB 11714, with its own check character at 17), 18 check character.
 * Source: STANDARDS.md, "Unified social credit code".
 */
import { formatBilingual, type LocalisedMessage } from './message.util.js';

/** The 31 symbols; each symbol's value is its index. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights for positions 1–17: 3^(i-1) mod 31. */
export const CREDIT_CODE_WEIGHTS: readonly number[] = Object.freeze([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]);

/** GB 11714 organisation-code weights for positions 9–16 of the credit code. */
export const ORGANISATION_CODE_WEIGHTS: readonly number[] = Object.freeze([3, 7, 9, 10, 5, 8, 4, 2]);

/**
 * Registration authorities (position 1) and kinds (position 2) named in STANDARDS.md.
 * Not the complete GB 32100 table: an unknown code here is not an error.
 */
export const CREDIT_CODE_AUTHORITIES: Readonly<Record<string, { readonly zh: string; readonly kinds?: Readonly<Record<string, string>> }>> =
  Object.freeze({
    '1': { zh: '机构编制' },
    '5': { zh: '民政' },
    '9': { zh: '工商', kinds: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
    Y: { zh: '其他' },
  });

export type CreditCodeError = 'FORMAT' | 'ALPHABET' | 'CHECK_CHAR' | 'ORG_CODE_CHECK';

export const CREDIT_CODE_ERROR_MESSAGES: Readonly<Record<CreditCodeError, LocalisedMessage>> = Object.freeze({
  FORMAT: { zh: '格式错误，应为18位，第3–8位为数字', en: 'wrong format: expected 18 characters with digits in positions 3–8' },
  ALPHABET: { zh: '含有不允许的字符（I、O、S、V、Z 等）', en: 'contains a character outside the code alphabet (e.g. I, O, S, V, Z)' },
  CHECK_CHAR: { zh: '校验码错误', en: 'wrong check character' },
  ORG_CODE_CHECK: { zh: '组织机构代码校验码错误', en: 'wrong organisation-code check character' },
});

/** Bilingual message for a reason, e.g. `校验码错误 (wrong check character)`. */
export function creditCodeErrorMessage(reason: CreditCodeError): string {
  return formatBilingual(CREDIT_CODE_ERROR_MESSAGES[reason]);
}

export interface ValidateCreditCodeOptions {
  /** Also check the GB 11714 organisation-code check character at position 17 (default true). */
  readonly checkOrganisationCode?: boolean;
  /**
   * Codes (upper case) that are known to be really registered but fail a check. For a code in
   * this set the two checksum checks (CHECK_CHAR, ORG_CODE_CHECK) are skipped; FORMAT and
   * ALPHABET still apply.
   */
  readonly overrides?: ReadonlySet<string>;
}

export interface CreditCodeValid {
  readonly valid: true;
  /** The input upper-cased. */
  readonly normalised: string;
  /** Position 1. */
  readonly registrationAuthority: string;
  /** Position 2. */
  readonly kind: string;
  /** Positions 3–8. */
  readonly regionCode: string;
  /** Positions 9–17 (GB 11714 organisation code including its check character). */
  readonly organisationCode: string;
  /** True when a checksum check failed and the code was accepted only through `overrides`. */
  readonly overridden: boolean;
}

export interface CreditCodeInvalid {
  readonly valid: false;
  readonly reason: CreditCodeError;
  /** Bilingual message, e.g. `校验码错误 (wrong check character)`. */
  readonly message: string;
}

export type CreditCodeResult = CreditCodeValid | CreditCodeInvalid;

export interface GenerateCreditCodeOptions {
  /** Position 1, one symbol of the alphabet (default '9'). */
  readonly authority?: string;
  /** Position 2, one symbol of the alphabet (default '1'). */
  readonly kind?: string;
  /** 6 digits. */
  readonly regionCode: string;
  /** The 8-character organisation-code body (0-9, A-Z without I, O, S, V, Z). */
  readonly organisationBody: string;
}

const GB11714_VALUES = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERIC18 = /^[0-9A-Z]{18}$/;

function creditValue(ch: string): number {
  return CREDIT_CODE_ALPHABET.indexOf(ch);
}

/** Check character (position 18) for the first 17 symbols. Throws RangeError on other input. */
export function creditCodeCheckChar(first17: string): string {
  const s = typeof first17 === 'string' ? first17.toUpperCase() : '';
  if (s.length !== 17 || [...s].some((c) => creditValue(c) < 0)) {
    throw new RangeError(`creditCodeCheckChar: expected 17 symbols of ${CREDIT_CODE_ALPHABET}, got ${JSON.stringify(first17)}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += creditValue(s[i]!) * CREDIT_CODE_WEIGHTS[i]!;
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * GB 11714 organisation-code check character for an 8-character body (0-9A-Z, values 0–35):
 * `11 − Σ mod 11`, 10 → `X`, 11 → `0`. Throws RangeError on other input.
 */
export function organisationCodeCheckChar(first8: string): string {
  const s = typeof first8 === 'string' ? first8.toUpperCase() : '';
  if (!/^[0-9A-Z]{8}$/.test(s)) {
    throw new RangeError(`organisationCodeCheckChar: expected 8 characters 0-9A-Z, got ${JSON.stringify(first8)}`);
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += GB11714_VALUES.indexOf(s[i]!) * ORGANISATION_CODE_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** Validates a unified social credit code: format, alphabet, check character, organisation-code check. */
export function validateCreditCode(code: string, opts: ValidateCreditCodeOptions = {}): CreditCodeResult {
  if (typeof code !== 'string') return invalid('FORMAT');
  const normalised = code.toUpperCase();
  if (!ALPHANUMERIC18.test(normalised)) return invalid('FORMAT');
  if ([...normalised].some((c) => creditValue(c) < 0)) return invalid('ALPHABET');
  if (!/^\d{6}$/.test(normalised.slice(2, 8))) return invalid('FORMAT');

  const overridable = opts.overrides?.has(normalised) ?? false;
  let overridden = false;
  if (creditCodeCheckChar(normalised.slice(0, 17)) !== normalised[17]) {
    if (!overridable) return invalid('CHECK_CHAR');
    overridden = true;
  }
  if ((opts.checkOrganisationCode ?? true) && organisationCodeCheckChar(normalised.slice(8, 16)) !== normalised[16]) {
    if (!overridable) return invalid('ORG_CODE_CHECK');
    overridden = true;
  }

  return {
    valid: true,
    normalised,
    registrationAuthority: normalised[0]!,
    kind: normalised[1]!,
    regionCode: normalised.slice(2, 8),
    organisationCode: normalised.slice(8, 17),
    overridden,
  };
}

export function isCreditCode(code: string, opts?: ValidateCreditCodeOptions): boolean {
  return validateCreditCode(code, opts).valid;
}

/**
 * Builds a credit code: authority + kind + region + organisation body + organisation-code check
 * character + credit-code check character. Throws RangeError on invalid options.
 */
export function generateCreditCode(opts: GenerateCreditCodeOptions): string {
  const authority = opts.authority ?? '9';
  const kind = opts.kind ?? '1';
  const { regionCode, organisationBody } = opts;
  for (const [name, value] of [
    ['authority', authority],
    ['kind', kind],
  ] as const) {
    if (typeof value !== 'string' || value.length !== 1 || creditValue(value) < 0) {
      throw new RangeError(`generateCreditCode: ${name} must be one symbol of ${CREDIT_CODE_ALPHABET}, got ${JSON.stringify(value)}`);
    }
  }
  if (typeof regionCode !== 'string' || !/^\d{6}$/.test(regionCode)) {
    throw new RangeError(`generateCreditCode: regionCode must be 6 digits, got ${JSON.stringify(regionCode)}`);
  }
  if (typeof organisationBody !== 'string' || organisationBody.length !== 8 || [...organisationBody].some((c) => creditValue(c) < 0)) {
    throw new RangeError(
      `generateCreditCode: organisationBody must be 8 characters of 0-9A-Z without I, O, S, V, Z, got ${JSON.stringify(organisationBody)}`,
    );
  }
  const first17 = `${authority}${kind}${regionCode}${organisationBody}${organisationCodeCheckChar(organisationBody)}`;
  return first17 + creditCodeCheckChar(first17);
}

function invalid(reason: CreditCodeError): CreditCodeInvalid {
  return { valid: false, reason, message: creditCodeErrorMessage(reason) };
}
