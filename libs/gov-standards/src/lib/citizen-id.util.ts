/**
 * Citizen ID number — 公民身份号码 (GB 11643-1999).
 *
 * 18 characters: 6-digit address code (GB/T 2260) + birth date YYYYMMDD + 3-digit sequence
 * (odd = male, even = female) + check character (ISO 7064 MOD 11-2).
 * Source: STANDARDS.md, "Citizen ID number".
 */
import { formatBilingual, type LocalisedMessage } from './message.util.js';

/** Weights for positions 1–17: 2^(18-i) mod 11. */
export const CITIZEN_ID_WEIGHTS: readonly number[] = Object.freeze([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]);

/** Check characters indexed by `S mod 11`. */
export const CITIZEN_ID_CHECK_CHARS = '10X98765432';

/** Why a citizen ID number was rejected. */
export type CitizenIdError = 'FORMAT' | 'DATE' | 'FUTURE_DATE' | 'CHECK_CHAR';

export const CITIZEN_ID_ERROR_MESSAGES: Readonly<Record<CitizenIdError, LocalisedMessage>> = Object.freeze({
  FORMAT: { zh: '格式错误，应为17位数字加1位校验码（数字或X）', en: 'wrong format: expected 17 digits and a check character (digit or X)' },
  DATE: { zh: '出生日期无效', en: 'invalid birth date' },
  FUTURE_DATE: { zh: '出生日期晚于当前日期', en: 'birth date is in the future' },
  CHECK_CHAR: { zh: '校验码错误', en: 'wrong check character' },
});

/** Bilingual message for a reason, e.g. `校验码错误 (wrong check character)`. */
export function citizenIdErrorMessage(reason: CitizenIdError): string {
  return formatBilingual(CITIZEN_ID_ERROR_MESSAGES[reason]);
}

export interface CitizenIdOptions {
  /**
   * The current instant, for the "not in the future" rule (default: now). Its calendar date is
   * taken in China Standard Time (UTC+8), so the result does not depend on the server time zone.
   */
  readonly today?: Date;
}

export interface CitizenIdValid {
  readonly valid: true;
  /** The input upper-cased (a lowercase `x` check character becomes `X`). */
  readonly normalised: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly sex: 'male' | 'female';
  /** The 6-digit address code (positions 1–6); not checked against the GB/T 2260 list. */
  readonly regionCode: string;
}

export interface CitizenIdInvalid {
  readonly valid: false;
  readonly reason: CitizenIdError;
  /** Bilingual message, e.g. `校验码错误 (wrong check character)`. */
  readonly message: string;
}

export type CitizenIdResult = CitizenIdValid | CitizenIdInvalid;

export interface GenerateCitizenIdOptions {
  /** 6 digits. */
  readonly regionCode: string;
  /** YYYY-MM-DD, a real calendar date. */
  readonly birthDate: string;
  /** 0..999; odd = male, even = female. */
  readonly sequence: number;
}

const FIRST17 = /^\d{17}$/;
const FULL18 = /^\d{17}[\dX]$/;
const LEGACY15 = /^\d{15}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/** ISO 7064 MOD 11-2 check character for the first 17 digits. Throws RangeError on other input. */
export function citizenIdCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || !FIRST17.test(first17)) {
    throw new RangeError(`citizenIdCheckChar: expected 17 digits, got ${JSON.stringify(first17)}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * CITIZEN_ID_WEIGHTS[i]!;
  return CITIZEN_ID_CHECK_CHARS[sum % 11]!;
}

/** Validates an 18-character citizen ID number: format, birth date (real, not future), check character. */
export function validateCitizenId(id: string, opts: CitizenIdOptions = {}): CitizenIdResult {
  if (typeof id !== 'string') return invalid('FORMAT');
  const normalised = id.toUpperCase();
  if (!FULL18.test(normalised)) return invalid('FORMAT');

  const y = normalised.slice(6, 10);
  const m = normalised.slice(10, 12);
  const d = normalised.slice(12, 14);
  if (!isCalendarDate(Number(y), Number(m), Number(d))) return invalid('DATE');
  const birthDate = `${y}-${m}-${d}`;
  if (birthDate > chinaCalendarDate(opts.today ?? new Date())) return invalid('FUTURE_DATE');

  if (citizenIdCheckChar(normalised.slice(0, 17)) !== normalised[17]) return invalid('CHECK_CHAR');

  return {
    valid: true,
    normalised,
    birthDate,
    sex: Number(normalised[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: normalised.slice(0, 6),
  };
}

export function isCitizenId(id: string, opts?: CitizenIdOptions): boolean {
  return validateCitizenId(id, opts).valid;
}

/**
 * Builds a citizen ID number with its check character. Checks that the birth date is a real
 * calendar date (not that it is in the past). Throws RangeError on invalid options.
 */
export function generateCitizenId(opts: GenerateCitizenIdOptions): string {
  const { regionCode, birthDate, sequence } = opts;
  if (typeof regionCode !== 'string' || !/^\d{6}$/.test(regionCode)) {
    throw new RangeError(`generateCitizenId: regionCode must be 6 digits, got ${JSON.stringify(regionCode)}`);
  }
  const match = typeof birthDate === 'string' ? ISO_DATE.exec(birthDate) : null;
  if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new RangeError(`generateCitizenId: birthDate must be a real YYYY-MM-DD date, got ${JSON.stringify(birthDate)}`);
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) {
    throw new RangeError(`generateCitizenId: sequence must be an integer 0..999, got ${sequence}`);
  }
  const first17 = `${regionCode}${match[1]}${match[2]}${match[3]}${String(sequence).padStart(3, '0')}`;
  return first17 + citizenIdCheckChar(first17);
}

/**
 * Converts a 15-digit GB 11643-1989 number (YYMMDD birth date, no check character) to the
 * 18-character form: inserts `19` before the year and appends the check character.
 * Throws RangeError if the input is not 15 digits or the birth date 19YYMMDD is not a real date.
 */
export function upgradeLegacyCitizenId(id15: string): string {
  if (typeof id15 !== 'string' || !LEGACY15.test(id15)) {
    throw new RangeError(`upgradeLegacyCitizenId: expected 15 digits, got ${JSON.stringify(id15)}`);
  }
  const year = 1900 + Number(id15.slice(6, 8));
  if (!isCalendarDate(year, Number(id15.slice(8, 10)), Number(id15.slice(10, 12)))) {
    throw new RangeError(`upgradeLegacyCitizenId: invalid birth date 19${id15.slice(6, 12)}`);
  }
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + citizenIdCheckChar(first17);
}

/** Proleptic Gregorian calendar date, years 1..9999. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || year < 1 || year > 9999) return false;
  if (!Number.isInteger(month) || month < 1 || month > 12) return false;
  return Number.isInteger(day) && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** YYYY-MM-DD of the given instant in China Standard Time (UTC+8, no daylight saving). */
function chinaCalendarDate(now: Date): string {
  const t = now.getTime();
  if (Number.isNaN(t)) throw new RangeError('validateCitizenId: opts.today is an invalid Date');
  return new Date(t + CST_OFFSET_MS).toISOString().slice(0, 10);
}

function invalid(reason: CitizenIdError): CitizenIdInvalid {
  return { valid: false, reason, message: citizenIdErrorMessage(reason) };
}
