import type { DataItemBody, MASK_KINDS } from '../catalogue/catalogue.dto.js';

type MaskKind = (typeof MASK_KINDS)[number];

/** The masking rules (脱敏规则), in one place: what each kind keeps of a value. */
export const MASKS: Readonly<Record<MaskKind, (v: string) => string>> = {
  /** 320102********1233: region and last four. */
  idNumber: (v) => (v.length >= 15 ? `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}` : stars(v)),
  /** 138****5678. */
  phone: (v) => (v.length >= 7 ? `${v.slice(0, 3)}${'*'.repeat(v.length - 7)}${v.slice(-4)}` : stars(v)),
  /** 王** (the family name only). */
  name: (v) => (v.length <= 1 ? '*' : `${[...v][0]}${'*'.repeat([...v].length - 1)}`),
  /** 南京市玄武区**** (the first six characters: province, city, district). */
  address: (v) => ([...v].length <= 6 ? v : `${[...v].slice(0, 6).join('')}${'*'.repeat(4)}`),
  /** 1********7: the first and last character. */
  partial: (v) => ([...v].length <= 2 ? stars(v) : `${[...v][0]}${'*'.repeat([...v].length - 2)}${[...v].at(-1)}`),
  full: () => '******',
  none: (v) => v,
};

function stars(v: string): string {
  return '*'.repeat(Math.max(v.length, 1));
}

/** The mask an item gets: its own, or by its personal-information class (sensitive → full, personal → ends kept, none → as is). */
export function maskKindOf(item: Pick<DataItemBody, 'mask' | 'personal'>): MaskKind {
  if (item.mask) return item.mask;
  return item.personal === 'sensitive' ? 'full' : item.personal === 'personal' ? 'partial' : 'none';
}

/** A value as shared without plain values; numbers and booleans of personal items are masked too (as text). */
export function maskValue(item: Pick<DataItemBody, 'mask' | 'personal'>, value: unknown): unknown {
  const kind = maskKindOf(item);
  if (kind === 'none' || value === null || value === undefined) return value;
  return MASKS[kind](String(value));
}
