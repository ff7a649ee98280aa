/**
 * Electronic licence identifier — 电子证照标识 (GB/T 36904).
 *
 * `1.2.156.3005.2.<type code 21>.<issuer USCC 18>.<serial>.<version 3 digits>.<check>`
 * where the check character is ISO/IEC 7064 MOD 37,36 (hybrid) over
 * type + issuer + serial + version concatenated without dots.
 * Source: STANDARDS.md, "Electronic licence" (identifier part).
 *
 * Identifiers are treated case-insensitively: the canonical form is upper case.
 */
import { validateCreditCode, type ValidateCreditCodeOptions } from './credit-code.util.js';
import { formatBilingual, type LocalisedMessage } from './message.util.js';

/** The fixed OID arc that every licence identifier starts with. */
export const LICENCE_ID_PREFIX = '1.2.156.3005.2';

/** Characters of the MOD 37,36 system; each character's value is its index. */
export const LICENCE_ID_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export type LicenceIdError = 'FORMAT' | 'PREFIX' | 'TYPE_CODE' | 'ISSUER_CODE' | 'VERSION' | 'CHECK_CHAR';

export const LICENCE_ID_ERROR_MESSAGES: Readonly<Record<LicenceIdError, LocalisedMessage>> = Object.freeze({
  FORMAT: {
    zh: '格式错误，应为“前缀.类型代码.颁证单位代码.顺序号.版本号.校验码”，顺序号仅含字母和数字',
    en: 'wrong format: expected prefix.type.issuer.serial.version.check with an alphanumeric serial',
  },
  PREFIX: { zh: '标识前缀错误，应为 1.2.156.3005.2', en: 'wrong prefix: expected 1.2.156.3005.2' },
  TYPE_CODE: {
    zh: '证照类型代码错误，应为定义机构统一社会信用代码加3位数字',
    en: 'invalid type code: expected the defining authority credit code plus 3 digits',
  },
  ISSUER_CODE: { zh: '颁证单位代码不是有效的统一社会信用代码', en: 'issuer code is not a valid unified social credit code' },
  VERSION: { zh: '版本号错误，应为3位数字', en: 'invalid version: expected 3 digits' },
  CHECK_CHAR: { zh: '校验码错误', en: 'wrong check character' },
});

/** Bilingual message for a reason, e.g. `校验码错误 (wrong check character)`. */
export function licenceIdErrorMessage(reason: LicenceIdError): string {
  return formatBilingual(LICENCE_ID_ERROR_MESSAGES[reason]);
}

export interface LicenceIdOptions {
  /** Passed to `validateCreditCode` for the type code's authority part and the issuer code. */
  readonly creditCodeOptions?: ValidateCreditCodeOptions;
}

export interface BuildLicenceIdOptions extends LicenceIdOptions {
  /** 21 characters: the defining authority's credit code + a 3-digit sequence. */
  readonly typeCode: string;
  /** The issuing authority's 18-character credit code. */
  readonly issuerCode: string;
  /** Letters and digits, no dots; upper-cased in the identifier. */
  readonly serial: string;
  /** 0..999 or a 3-digit string. */
  readonly version: number | string;
}

export interface LicenceIdValid {
  readonly valid: true;
  /** The input upper-cased. */
  readonly normalised: string;
  readonly typeCode: string;
  /** The first 18 characters of the type code. */
  readonly definingAuthorityCode: string;
  /** The last 3 digits of the type code. */
  readonly typeSequence: string;
  readonly issuerCode: string;
  readonly serial: string;
  /** 3 digits. */
  readonly version: string;
  readonly check: string;
}

export interface LicenceIdInvalid {
  readonly valid: false;
  readonly reason: LicenceIdError;
  /** Bilingual message, e.g. `校验码错误 (wrong check character)`. */
  readonly message: string;
}

export type LicenceIdResult = LicenceIdValid | LicenceIdInvalid;

const BODY = /^[0-9A-Z]*$/;
const SERIAL = /^[0-9A-Z]+$/;

/**
 * ISO/IEC 7064 MOD 37,36 hybrid check character over `body` (0-9A-Z, values 0–35; lower case
 * is folded to upper case). Throws RangeError on any other character.
 */
export function licenceIdCheckChar(body: string): string {
  const s = typeof body === 'string' ? body.toUpperCase() : '';
  if (typeof body !== 'string' || !BODY.test(s)) {
    throw new RangeError(`licenceIdCheckChar: expected characters 0-9A-Z, got ${JSON.stringify(body)}`);
  }
  let p = 36;
  for (const c of s) {
    const sum = p + LICENCE_ID_CHARSET.indexOf(c);
    const r = sum % 36 || 36;
    p = (2 * r) % 37;
  }
  return LICENCE_ID_CHARSET[(37 - p) % 36]!;
}

/** Builds `1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>`. Throws RangeError on invalid parts. */
export function buildLicenceId(opts: BuildLicenceIdOptions): string {
  const typeCode = upper(opts.typeCode);
  const issuerCode = upper(opts.issuerCode);
  const serial = upper(opts.serial);
  const version = formatVersion(opts.version);

  if (!SERIAL.test(serial)) fail('FORMAT', `serial ${JSON.stringify(opts.serial)}`);
  if (!isTypeCode(typeCode, opts.creditCodeOptions)) fail('TYPE_CODE', JSON.stringify(opts.typeCode));
  if (!validateCreditCode(issuerCode, opts.creditCodeOptions).valid) fail('ISSUER_CODE', JSON.stringify(opts.issuerCode));
  if (version === undefined) fail('VERSION', JSON.stringify(opts.version));

  const check = licenceIdCheckChar(typeCode + issuerCode + serial + version);
  return [LICENCE_ID_PREFIX, typeCode, issuerCode, serial, version, check].join('.');
}

/** Parses and validates a licence identifier. */
export function parseLicenceId(id: string, opts: LicenceIdOptions = {}): LicenceIdResult {
  if (typeof id !== 'string') return invalid('FORMAT');
  const normalised = id.toUpperCase();
  const parts = normalised.split('.');
  if (parts.length !== 10) return invalid('FORMAT');
  const [typeCode, issuerCode, serial, version, check] = parts.slice(5) as [string, string, string, string, string];
  if (!SERIAL.test(serial) || !/^[0-9A-Z]$/.test(check)) return invalid('FORMAT');
  if (parts.slice(0, 5).join('.') !== LICENCE_ID_PREFIX) return invalid('PREFIX');
  if (!isTypeCode(typeCode, opts.creditCodeOptions)) return invalid('TYPE_CODE');
  if (!validateCreditCode(issuerCode, opts.creditCodeOptions).valid) return invalid('ISSUER_CODE');
  if (!/^\d{3}$/.test(version)) return invalid('VERSION');
  if (licenceIdCheckChar(typeCode + issuerCode + serial + version) !== check) return invalid('CHECK_CHAR');

  return {
    valid: true,
    normalised,
    typeCode,
    definingAuthorityCode: typeCode.slice(0, 18),
    typeSequence: typeCode.slice(18),
    issuerCode,
    serial,
    version,
    check,
  };
}

export function isLicenceId(id: string, opts?: LicenceIdOptions): boolean {
  return parseLicenceId(id, opts).valid;
}

function isTypeCode(typeCode: string, creditCodeOptions: ValidateCreditCodeOptions | undefined): boolean {
  return typeCode.length === 21 && /^\d{3}$/.test(typeCode.slice(18)) && validateCreditCode(typeCode.slice(0, 18), creditCodeOptions).valid;
}

function formatVersion(version: number | string): string | undefined {
  if (typeof version === 'number') {
    return Number.isInteger(version) && version >= 0 && version <= 999 ? String(version).padStart(3, '0') : undefined;
  }
  return typeof version === 'string' && /^\d{3}$/.test(version) ? version : undefined;
}

function upper(value: unknown): string {
  return typeof value === 'string' ? value.toUpperCase() : '';
}

function fail(reason: LicenceIdError, detail: string): never {
  throw new RangeError(`buildLicenceId: ${licenceIdErrorMessage(reason)}: ${detail}`);
}

function invalid(reason: LicenceIdError): LicenceIdInvalid {
  return { valid: false, reason, message: licenceIdErrorMessage(reason) };
}
