import { RE2JS } from '@bufbuild/re2';
import type { FieldError } from '@gmp/contracts';
import type { DataItemBody, ItemType, QualityRuleBody, ResourceDefinitionBody } from './catalogue.dto.js';

/** Which item types each rule type applies to. */
const RULE_APPLIES: Readonly<Record<QualityRuleBody['type'], readonly ItemType[]>> = {
  range: ['integer', 'number'],
  date: ['date', 'datetime'],
  citizenId: ['string'],
  creditCode: ['string'],
  crossField: ['integer', 'number', 'date', 'datetime', 'string'],
  unique: ['string', 'integer'],
  pattern: ['string'],
};

/**
 * What is wrong with a resource definition beyond its shape (the body class checks that): items
 * listed twice, a key item that is not an item or not required, code lists on non-strings, rules
 * on unknown items or on items of the wrong type, incomplete rules. Every problem at once.
 */
export function definitionProblems(def: ResourceDefinitionBody): FieldError[] {
  const problems: FieldError[] = [];
  const items = new Map<string, DataItemBody>();
  def.items.forEach((item, i) => {
    if (items.has(item.code)) problems.push({ field: `items[${i}].code`, message: `数据项重复 (item listed twice): ${item.code}` });
    if (item.code in Object.prototype)
      problems.push({ field: `items[${i}].code`, message: `保留名称，不能作为数据项编码 (a reserved name): ${item.code}` });
    items.set(item.code, item);
    if (item.codeList && item.type !== 'string')
      problems.push({ field: `items[${i}].codeList`, message: '代码集只适用于字符串数据项 (a code list applies to string items only)' });
    if (item.maxLength && item.type !== 'string')
      problems.push({ field: `items[${i}].maxLength`, message: 'maxLength 只适用于字符串数据项 (maxLength applies to string items only)' });
  });
  const key = items.get(def.keyItem);
  if (!key) problems.push({ field: 'keyItem', message: `不是本资源的数据项 (not an item of this resource): ${def.keyItem}` });
  else if (!key.required) problems.push({ field: 'keyItem', message: '主键数据项必须必填 (the key item must be required)' });
  if (def.sharingType !== 'unconditional' && !def.sharingCondition)
    problems.push({ field: 'sharingCondition', message: '有条件共享须写明条件，不予共享须写明理由 (a condition or a reason is required)' });
  (def.rules ?? []).forEach((rule, i) => {
    const at = `rules[${i}]`;
    const item = items.get(rule.item);
    if (!item) return problems.push({ field: `${at}.item`, message: `不是本资源的数据项 (not an item of this resource): ${rule.item}` });
    if (!RULE_APPLIES[rule.type].includes(item.type))
      problems.push({
        field: `${at}.type`,
        message: `规则 ${rule.type} 不适用于 ${item.type} 类型 (rule does not apply to this item type)`,
      });
    if (rule.type === 'range' && rule.min === undefined && rule.max === undefined)
      problems.push({ field: at, message: 'range 规则须有 min 或 max (a range needs min or max)' });
    if (rule.type === 'range' && rule.min !== undefined && rule.max !== undefined && rule.min > rule.max)
      problems.push({ field: at, message: 'min 大于 max (min exceeds max)' });
    if (rule.type === 'date' && !rule.notBefore && !rule.notInFuture)
      problems.push({ field: at, message: 'date 规则须有 notBefore 或 notInFuture (a date rule needs a bound)' });
    if (rule.type === 'crossField') {
      const other = rule.other ? items.get(rule.other) : undefined;
      if (!rule.op || !rule.other) problems.push({ field: at, message: 'crossField 规则须有 op 与 other (op and other are required)' });
      else if (!other) problems.push({ field: `${at}.other`, message: `不是本资源的数据项 (not an item of this resource): ${rule.other}` });
      else if (comparable(other.type) !== comparable(item.type))
        problems.push({ field: `${at}.other`, message: '两个数据项类型不可比较 (the two items cannot be compared)' });
    }
    if (rule.type === 'pattern') {
      if (!rule.pattern) problems.push({ field: at, message: 'pattern 规则须有 pattern (a pattern is required)' });
      else
        try {
          // RE2 syntax (linear time in the value; back-references and look-arounds refused), and a small program:
          // the time is also proportional to its size, so large counted repetitions are refused.
          if (patternSize(rule.pattern) > MAX_PATTERN_PROGRAM)
            problems.push({
              field: `${at}.pattern`,
              message: `正则表达式过于复杂 (too complex: at most ${MAX_PATTERN_PROGRAM} RE2 instructions)`,
            });
        } catch {
          problems.push({ field: `${at}.pattern`, message: '不是有效的 RE2 正则表达式 (not a valid RE2 regular expression)' });
        }
    }
  });
  return problems;
}

/** Largest RE2 program a pattern may compile to: a 1,000-character value is then checked in well under a millisecond. */
export const MAX_PATTERN_PROGRAM = 500;

/** The size of the pattern's RE2 program (its instructions); throws for a pattern RE2 does not accept. */
export function patternSize(pattern: string): number {
  const compiled = RE2JS.compile(pattern) as unknown as { re2Input?: { prog?: { inst?: unknown[] } } };
  // The program is internal to @bufbuild/re2: without it, count the repetitions as a bound instead.
  return (
    compiled.re2Input?.prog?.inst?.length ??
    [...pattern.matchAll(/\{(\d+)/g)].reduce((n, m) => n * Math.max(1, Number(m[1])), pattern.length)
  );
}

function comparable(type: ItemType): string {
  return type === 'integer' || type === 'number' ? 'number' : type === 'date' || type === 'datetime' ? 'time' : type;
}

/** The JSON Schema of a resource's records, generated from its items (closed: an item the catalogue does not list is refused). */
export function recordSchemaOf(def: Pick<ResourceDefinitionBody, 'items'>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const item of def.items) {
    const base: Record<string, unknown> =
      item.type === 'date'
        ? { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }
        : item.type === 'datetime'
          ? { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}:\\d{2})$' }
          : { type: item.type };
    if (item.codeList) base['enum'] = item.codeList;
    if (item.type === 'string') base['maxLength'] = item.maxLength ?? 1000;
    properties[item.code] = { title: item.name, ...base };
  }
  return {
    type: 'object',
    properties,
    required: def.items.filter((i) => i.required).map((i) => i.code),
    additionalProperties: false,
  };
}
