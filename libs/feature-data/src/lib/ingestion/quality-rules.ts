import { RE2JS } from '@bufbuild/re2';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { citizenIdErrorMessage, creditCodeErrorMessage, dayNumber, validateCitizenId, validateCreditCode } from '@gmp/gov-standards';
import type { DataItemBody, QualityRuleBody, ResourceDefinitionBody } from '../catalogue/catalogue.dto.js';
import { recordSchemaOf } from '../catalogue/resource-definition.js';

/** Why a record failed (every failure is listed; the quarantine keeps them all). */
export interface QualityReason {
  /** The rule type: `required`, `type`, `codeList`, `unknownItem`, `length` (from the items), or an attached rule's type. */
  rule: string;
  item: string | null;
  message: string;
}

/** A resource compiled once per version: its record schema (Ajv) and its attached rules. */
export interface CompiledResource {
  code: string;
  version: number;
  keyItem: string;
  /** Items whose values must be unique across the resource's records (checked against the store). */
  uniqueItems: string[];
  /** Items (other than the key) that name another subject — ID numbers, credit codes: the record is linked to those subjects' profiles. */
  linkItems: string[];
  /** Every reason the record fails the schema and the rules, in the order found; [] when it passes. */
  check(record: unknown, receivedAt: Date): QualityReason[];
}

const ajv = new Ajv({ allErrors: true, strict: false });

/** The rule types (质量规则类型), each defined once; a resource attaches them to its items. */
export const QUALITY_RULE_TYPES = {
  required: '必填 (the item is required)',
  type: '类型 (the value has the item’s type)',
  codeList: '代码集 (the value is one of the item’s codes)',
  length: '长度 (a string no longer than its maximum)',
  unknownItem: '未登记的数据项 (an item the catalogue does not list)',
  range: '取值范围 (a number within bounds)',
  date: '日期 (a valid date within bounds)',
  citizenId: '公民身份号码校验码 (GB 11643 check character)',
  creditCode: '统一社会信用代码校验码 (GB 32100 check character)',
  crossField: '跨字段 (a comparison between two items)',
  unique: '唯一性 (no other record has the value)',
  pattern: '格式 (the value matches a pattern)',
} as const;

export function compileResource(def: ResourceDefinitionBody & { code: string; version: number }): CompiledResource {
  const validate: ValidateFunction = ajv.compile(structuredClone(recordSchemaOf(def)));
  const items = new Map(def.items.map((i) => [i.code, i]));
  const rules = (def.rules ?? []).filter((r) => r.type !== 'unique');
  // RE2: matching time linear in the value, whatever the pattern (a catalogued pattern cannot stall ingestion).
  const patterns = new Map<string, RE2JS | null>();
  for (const r of rules)
    if (r.pattern)
      try {
        patterns.set(r.pattern, RE2JS.compile(r.pattern));
      } catch {
        patterns.set(r.pattern, null); // catalogued before patterns were RE2: the rule fails every value until corrected
      }
  return {
    code: def.code,
    version: def.version,
    keyItem: def.keyItem,
    uniqueItems: (def.rules ?? []).filter((r) => r.type === 'unique').map((r) => r.item),
    linkItems: [
      ...new Set(
        (def.rules ?? []).filter((r) => (r.type === 'citizenId' || r.type === 'creditCode') && r.item !== def.keyItem).map((r) => r.item),
      ),
    ],
    check(record, receivedAt) {
      if (typeof record !== 'object' || record === null || Array.isArray(record))
        return [{ rule: 'type', item: null, message: '记录须为对象 (a record is a JSON object)' }];
      const reasons = validate(record) ? [] : (validate.errors ?? []).map((e) => schemaReason(e, items));
      const failed = new Set(reasons.map((r) => r.item));
      const values = record as Record<string, unknown>;
      for (const rule of rules) {
        // An item that already failed its type is not checked again; an absent optional item passes.
        if (failed.has(rule.item) || values[rule.item] === undefined || values[rule.item] === null) continue;
        const problem = ruleProblem(rule, values, receivedAt, patterns);
        if (problem) reasons.push({ rule: rule.type, item: rule.item, message: rule.message ? `${rule.message}: ${problem}` : problem });
      }
      return reasons;
    },
  };
}

function schemaReason(e: ErrorObject, items: Map<string, DataItemBody>): QualityReason {
  const item = e.instancePath.split('/')[1] ?? null;
  const name = (code: string | null) => (code && items.get(code)?.name) || code;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { rule: 'required', item: missing, message: `缺少必填数据项 ${name(missing)} (required item missing)` };
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { rule: 'unknownItem', item: extra, message: `目录中没有该数据项 (the catalogue lists no item ${extra})` };
    }
    case 'enum':
      return { rule: 'codeList', item, message: `${name(item)} 不在代码集中 (not one of the item’s codes)` };
    case 'maxLength':
      return { rule: 'length', item, message: `${name(item)} 超过最大长度 (longer than ${(e.params as { limit: number }).limit})` };
    default:
      return { rule: 'type', item, message: `${name(item)} 类型或格式不符 (${e.message ?? e.keyword})` };
  }
}

function ruleProblem(
  rule: QualityRuleBody,
  values: Record<string, unknown>,
  receivedAt: Date,
  patterns: Map<string, RE2JS | null>,
): string | null {
  const v = values[rule.item];
  switch (rule.type) {
    case 'range': {
      const n = v as number;
      if (rule.min !== undefined && n < rule.min) return `${n} 小于下限 ${rule.min} (below the minimum)`;
      if (rule.max !== undefined && n > rule.max) return `${n} 大于上限 ${rule.max} (above the maximum)`;
      return null;
    }
    case 'date': {
      const day = String(v).slice(0, 10);
      if (dayNumber(day) === null) return `${String(v)} 不是有效日期 (no such date)`;
      if (rule.notBefore && day < rule.notBefore) return `${day} 早于 ${rule.notBefore} (before the earliest date allowed)`;
      if (rule.notInFuture && day > receivedAt.toISOString().slice(0, 10)) return `${day} 晚于接收日 (a date in the future)`;
      return null;
    }
    case 'citizenId': {
      const r = validateCitizenId(String(v));
      return r.valid ? null : `公民身份号码无效: ${citizenIdErrorMessage(r.reason)}`;
    }
    case 'creditCode': {
      const r = validateCreditCode(String(v));
      return r.valid ? null : `统一社会信用代码无效: ${creditCodeErrorMessage(r.reason)}`;
    }
    case 'pattern': {
      const re = patterns.get(rule.pattern!);
      if (!re) return `规则的正则表达式不受支持，请更正资源定义 (the rule's pattern is not RE2: correct the resource)`;
      return re.matches(String(v)) ? null : `${String(v)} 格式不符 (does not match ${rule.pattern})`;
    }
    case 'crossField': {
      const w = values[rule.other!];
      if (w === undefined || w === null) return null;
      return compare(v, rule.op!, w) ? null : `须满足 ${rule.item} ${rule.op} ${rule.other} (must hold)`;
    }
    default:
      return null;
  }
}

function compare(a: unknown, op: string, b: unknown): boolean {
  let x = typeof a === 'number' ? a : String(a);
  let y = typeof b === 'number' ? b : String(b);
  // A date against a date-time: compared by day, as written (签发日期 ≥ 出生时间 holds on the day of birth).
  if (typeof x === 'string' && typeof y === 'string' && (x.length === 10 || y.length === 10)) [x, y] = [x.slice(0, 10), y.slice(0, 10)];
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '>=':
      return x >= y;
    default:
      return x > y;
  }
}
