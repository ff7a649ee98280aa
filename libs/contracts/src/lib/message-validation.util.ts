import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, IS_OPTIONAL, ValidateIf, validateSync, type ValidationError } from 'class-validator';
import { cacheValidationMetadataLookups } from './validation-metadata.cache.js';

cacheValidationMetadataLookups();

/** A field that may be omitted **or null** (null means something, e.g. "clear the list"); plain `@IsOptional()` fields refuse null. */
export const IsOptionalOrNull = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined && value !== null);

export interface FieldError {
  /** Dotted path of the offending field, e.g. `input.holderId`. */
  field: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export interface ValidateOptions {
  /** Refuse unknown properties (HTTP input) instead of stripping them (wire messages, forward-compatible). */
  forbidUnknown?: boolean;
  /** Deepest nesting of objects and arrays accepted (default MESSAGE_MAX_DEPTH). */
  maxDepth?: number;
}

/**
 * Deepest nesting of objects and arrays a message may have (`{}` is 1 level). Above the HTTP
 * bodies' limit (64 by default, at most 100: see HTTP_JSON_MAX_DEPTH) with room for the
 * envelopes (`{ meta, input }`) dispatch puts around them. Deeper values would overflow the
 * stack of class-transformer and class-validator, which recurse.
 */
export const MESSAGE_MAX_DEPTH = 128;

/** What makes a parsed JSON value unsafe to handle or to store, and where (`input.items[2].name`; '' = the value itself). */
export type JsonHazard =
  | { problem: 'too-deep'; path: string; limit: number }
  | { problem: 'unstorable-character'; path: string; character: 'NUL' | 'lone surrogate'; inKey: boolean }
  | { problem: 'non-finite-number'; path: string };

const LONE_SURROGATE = /\p{Cs}/u; // with the u flag, only a surrogate that is not half of a pair matches

/**
 * Finds the first hazard in a parsed JSON value, without recursion: nesting deeper than
 * `maxDepth`, or a string or key PostgreSQL cannot store — NUL (U+0000; text and jsonb refuse
 * it) or a lone UTF-16 surrogate (from a `\ud800`-style escape; jsonb refuses it, and text
 * would get U+FFFD instead) — or a number JSON.parse made infinite (1e309: no JSON, no
 * database column can hold it). Null when there is none.
 */
export function findJsonHazard(value: unknown, maxDepth: number): JsonHazard | null {
  if (typeof value === 'string') return characterHazard(value, null, undefined, false);
  if (typeof value === 'number') return Number.isFinite(value) ? null : { problem: 'non-finite-number', path: '' };
  if (value === null || typeof value !== 'object') return null;
  const stack: Frame[] = [{ value, depth: 1, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > maxDepth) return { problem: 'too-deep', path: pathOf(frame), limit: maxDepth };
    const container = frame.value as Record<string, unknown>;
    // Children are pushed last-first so that they are visited in document order.
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) {
        const item: unknown = container[i];
        if (typeof item === 'string') {
          const hazard = characterHazard(item, frame, i, false);
          if (hazard) return hazard;
        } else if (typeof item === 'number' && !Number.isFinite(item)) return { problem: 'non-finite-number', path: pathOf(frame, i) };
      }
      for (let i = container.length - 1; i >= 0; i--) {
        const item: unknown = container[i];
        if (item !== null && typeof item === 'object') stack.push({ value: item, depth: frame.depth + 1, parent: frame, key: i });
      }
    } else {
      const keys = Object.keys(container);
      for (const key of keys) {
        const inKey = characterHazard(key, frame, key, true);
        if (inKey) return inKey;
        const item = container[key];
        if (typeof item === 'string') {
          const hazard = characterHazard(item, frame, key, false);
          if (hazard) return hazard;
        } else if (typeof item === 'number' && !Number.isFinite(item)) return { problem: 'non-finite-number', path: pathOf(frame, key) };
      }
      for (let i = keys.length - 1; i >= 0; i--) {
        const item = container[keys[i]!];
        if (item !== null && typeof item === 'object') stack.push({ value: item, depth: frame.depth + 1, parent: frame, key: keys[i]! });
      }
    }
  }
  return null;
}

/** The hazard in words (Chinese with English), for a field error or a problem's detail. */
export function describeJsonHazard(hazard: JsonHazard): string {
  if (hazard.problem === 'too-deep') return `嵌套超过 ${hazard.limit} 层 (nested deeper than ${hazard.limit} levels)`;
  if (hazard.problem === 'non-finite-number') return '数值超出范围 (a number too large to represent, e.g. 1e309)';
  const where = hazard.inKey ? '键' : '字符串';
  const whereEn = hazard.inKey ? 'a key' : 'a string';
  return hazard.character === 'NUL'
    ? `${where}含 NUL 字符，无法存储 (${whereEn} contains NUL, U+0000, which cannot be stored)`
    : `${where}含孤立的 UTF-16 代理字符，无法存储 (${whereEn} contains a lone UTF-16 surrogate, which cannot be stored)`;
}

interface Frame {
  value: object;
  depth: number;
  parent: Frame | null;
  key: string | number;
}

function characterHazard(text: string, frame: Frame | null, key: string | number | undefined, inKey: boolean): JsonHazard | null {
  const character = text.includes('\0') ? 'NUL' : LONE_SURROGATE.test(text) ? 'lone surrogate' : null;
  return character ? { problem: 'unstorable-character', path: pathOf(frame, key), character, inKey } : null;
}

const MAX_KEY_IN_PATH = 32;
const MAX_PATH = 300;

/** `a.b[2]["odd key"]`: keys that are not identifiers are quoted (JSON escapes, so NUL and surrogates show as `\u0000`). */
function pathOf(frame: Frame | null, leaf?: string | number): string {
  const keys: (string | number)[] = leaf === undefined ? [] : [leaf];
  for (let f = frame; f?.parent; f = f.parent) keys.push(f.key);
  let path = '';
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    if (typeof key === 'number') path += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key) && key.length <= MAX_KEY_IN_PATH) path += path ? `.${key}` : key;
    else path += `[${JSON.stringify(key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key)}]`;
  }
  return path.length > MAX_PATH ? `…${path.slice(path.length - MAX_PATH)}` : path;
}

/**
 * Validates a plain value (parsed JSON) against a message class. Used wherever a message is
 * consumed — Kafka consumers, the in-process transport, dispatch's HTTP edge — so that bad
 * input always gets the same field-level answer.
 */
export function validateMessage<T extends object>(cls: new () => T, raw: unknown, options: ValidateOptions = {}): Validated<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: '', message: '消息必须是 JSON 对象 (message must be a JSON object)' }] };
  }
  // Before class-transformer, which recurses: too deep a value would overflow the stack.
  const hazard = findJsonHazard(raw, options.maxDepth ?? MESSAGE_MAX_DEPTH);
  if (hazard) return { ok: false, errors: [{ field: hazard.path, message: describeJsonHazard(hazard) }] };
  const value = plainToInstance(cls, raw, { enableImplicitConversion: false });
  const errors = validateSync(value, {
    whitelist: true,
    forbidNonWhitelisted: options.forbidUnknown ?? false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) return { ok: false, errors: flattenErrors(errors) };
  const nulls = nullsWhereOptional(value);
  if (nulls.length > 0) return { ok: false, errors: nulls };
  return { ok: true, value };
}

const optionalProps = new Map<abstract new (...args: never[]) => unknown, string[]>();

/**
 * class-validator's `@IsOptional()` lets `null` through as if the field were absent, and the
 * handler then meets `null` where its type says `string | undefined` (a 5xx instead of a 400).
 * An optional field is omitted, never null; a field that may be null says so with
 * `@IsOptionalOrNull()` instead. Walks the validated instance without recursion.
 */
function nullsWhereOptional(root: object): FieldError[] {
  const out: FieldError[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0 && out.length < 20) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]` }));
      continue;
    }
    const ctor = (value as object).constructor as (abstract new (...args: never[]) => unknown) | undefined;
    if (ctor && ctor !== Object) {
      let props = optionalProps.get(ctor);
      if (!props) {
        props = getMetadataStorage()
          .getTargetValidationMetadatas(ctor, '', true, false)
          .filter((m) => m.name === IS_OPTIONAL)
          .map((m) => m.propertyName);
        optionalProps.set(ctor, props);
      }
      for (const prop of props) {
        if ((value as Record<string, unknown>)[prop] === null)
          out.push({
            field: path ? `${path}.${prop}` : prop,
            message: '可选字段不能为 null，请省略该字段 (an optional field is omitted, not null)',
          });
      }
    }
    for (const [key, item] of Object.entries(value))
      if (item !== null && typeof item === 'object') stack.push({ value: item, path: path ? `${path}.${key}` : key });
  }
  return out;
}

export function flattenErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) out.push({ field, message });
    if (error.children?.length) out.push(...flattenErrors(error.children, field));
  }
  return out;
}
