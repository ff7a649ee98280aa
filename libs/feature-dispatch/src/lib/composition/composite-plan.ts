import { Ajv } from 'ajv';
import jsonata from 'jsonata';
import type { CompositeDefinition, DefinitionProblem } from './composite-definition.js';

type Schema = Record<string, unknown>;

/** What a step may call, as the registry knows it. */
export interface StepTarget {
  code: string;
  version: string;
  kind: 'capability' | 'proxy' | 'composite';
  status: 'active' | 'deprecated' | 'retired';
  inputSchema: Schema;
  outputSchema: Schema;
  idempotent: boolean;
  timeoutMs: number;
}

export type ResolveTarget = (code: string, version?: string) => Promise<StepTarget | null>;

/** A checked definition: its problems (none when valid), what each step waits for, and the stages that run in parallel. */
export interface CompositePlan {
  valid: boolean;
  problems: DefinitionProblem[];
  warnings: string[];
  /** Each step's dependencies (named in its expressions or in `needs`). */
  dependsOn: Record<string, string[]>;
  /** Steps grouped by when they can start: all steps of a stage run in parallel. */
  stages: string[][];
  /** What each step calls (for valid plans). */
  targets: Record<string, StepTarget>;
}

interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  lhs?: unknown;
  [k: string]: unknown;
}

/** Problems and warnings found so far, shared by the phases of a plan. */
interface Findings {
  problems: DefinitionProblem[];
  warnings: string[];
}

/** The schema a rooted path starts from (`input.x` → the composite input; `steps.a.x` → step a's output), with the names after it. */
type PathContext = (names: string[]) => { schema: Schema; rest: string[] } | null;

/**
 * Checks a composite definition without calling anything (dry-run), in phases: step ids, the
 * definition's own schemas, expressions (JSONata), what each step waits for, the order they
 * run in (cycles), what each step calls (known, not retired, not composites), and the fields
 * each mapping names and gives against the schemas on both sides (accepted, required, type).
 */
export async function planComposite(def: CompositeDefinition, resolve: ResolveTarget): Promise<CompositePlan> {
  const found: Findings = { problems: [], warnings: [] };
  const ids = stepIds(def, found);
  const schemasValid = checkOwnSchemas(def, found);
  const parsed = parseExpressions(def, found);
  const dependsOn = dependenciesOf(def, ids, parsed, found);
  const stages = orderInStages(dependsOn, found);
  const targets = await resolveTargets(def, resolve, found);
  // Field checks need the definition's schemas to be valid.
  if (schemasValid) checkFields(def, parsed, targets, found);
  const { problems, warnings } = found;
  return { valid: problems.length === 0, problems, warnings, dependsOn, stages, targets };
}

/** Phase 1: step ids are unique. */
function stepIds(def: CompositeDefinition, found: Findings): Set<string> {
  const ids = new Set<string>();
  def.steps.forEach((s, i) => {
    if (ids.has(s.id))
      found.problems.push({ path: `steps[${i}].id`, code: 'DUPLICATE_STEP', message: `步骤编号重复 (duplicate step id): ${s.id}` });
    ids.add(s.id);
  });
  return ids;
}

/** Phase 2: the input and output schemas compile, and the input is an object. False when a schema does not compile. */
function checkOwnSchemas(def: CompositeDefinition, found: Findings): boolean {
  let schemasValid = true;
  for (const [path, schema] of [
    ['input', def.input],
    ['outputSchema', def.outputSchema],
  ] as const) {
    if (schema === undefined) continue;
    try {
      new Ajv({ strict: false }).compile(schema);
    } catch (err) {
      schemasValid = false;
      found.problems.push({ path, code: 'INVALID_SCHEMA', message: `JSON Schema 无效 (invalid JSON Schema): ${(err as Error).message}` });
    }
  }
  if (def.input['type'] !== 'object')
    found.problems.push({
      path: 'input.type',
      code: 'INVALID_SCHEMA',
      message: '组合能力的输入须为对象 (a composite input is an object: type "object")',
    });
  return schemasValid;
}

/** Phase 3: every expression parsed once, by its path in the definition (`steps[0].input`, `output`). */
function parseExpressions(def: CompositeDefinition, found: Findings): Map<string, AstNode> {
  const parsed = new Map<string, AstNode>();
  const parse = (path: string, expr: string | undefined) => {
    if (expr === undefined) return;
    try {
      parsed.set(path, jsonata(expr).ast() as AstNode);
    } catch (err) {
      const e = err as { message?: string; position?: number };
      found.problems.push({
        path,
        code: 'INVALID_EXPRESSION',
        message: `JSONata 表达式无效 (invalid JSONata) at ${e.position ?? '?'}: ${e.message ?? ''}`,
      });
    }
  };
  def.steps.forEach((s, i) => {
    parse(`steps[${i}].input`, s.input);
    parse(`steps[${i}].when`, s.when);
  });
  parse('output', def.output);
  return parsed;
}

/** Phase 4: what each step waits for — the steps its expressions name and its `needs` — and the steps the output names exist. */
function dependenciesOf(
  def: CompositeDefinition,
  ids: Set<string>,
  parsed: Map<string, AstNode>,
  found: Findings,
): Record<string, string[]> {
  const { problems } = found;
  const dependsOn: Record<string, string[]> = {};
  def.steps.forEach((s, i) => {
    const deps = new Set<string>();
    for (const part of ['input', 'when'] as const) {
      const ast = parsed.get(`steps[${i}].${part}`);
      for (const ref of ast ? rootedPaths(ast) : []) {
        if (ref.names[0] !== 'steps') continue;
        if (ref.names.length < 2) {
          problems.push({
            path: `steps[${i}].${part}`,
            code: 'INVALID_EXPRESSION',
            message:
              '`steps` 之后须写明步骤编号，如 steps.verify.match (name the step: steps.<id>.<field>; `steps` alone, `steps.*` or $lookup(steps, …) hide what a step waits for)',
          });
          continue;
        }
        const id = ref.names[1]!;
        if (!ids.has(id))
          problems.push({ path: `steps[${i}].${part}`, code: 'UNKNOWN_STEP', message: `没有编号为 ${id} 的步骤 (no step with id ${id})` });
        else if (id === s.id)
          problems.push({ path: `steps[${i}].${part}`, code: 'CYCLE', message: `步骤引用了自身 (step ${id} refers to itself)` });
        else deps.add(id);
      }
    }
    for (const id of s.needs ?? []) {
      if (!ids.has(id))
        problems.push({ path: `steps[${i}].needs`, code: 'UNKNOWN_STEP', message: `没有编号为 ${id} 的步骤 (no step with id ${id})` });
      else if (id === s.id) problems.push({ path: `steps[${i}].needs`, code: 'CYCLE', message: `步骤依赖自身 (step ${id} needs itself)` });
      else deps.add(id);
    }
    dependsOn[s.id] = [...deps];
  });
  const outputAst = parsed.get('output');
  for (const ref of outputAst ? rootedPaths(outputAst) : []) {
    if (ref.names[0] === 'steps' && ref.names.length < 2)
      problems.push({
        path: 'output',
        code: 'INVALID_EXPRESSION',
        message: '`steps` 之后须写明步骤编号 (name the step: steps.<id>.<field>)',
      });
    if (ref.names[0] === 'steps' && ref.names.length >= 2 && !ids.has(ref.names[1]!))
      problems.push({
        path: 'output',
        code: 'UNKNOWN_STEP',
        message: `没有编号为 ${ref.names[1]} 的步骤 (no step with id ${ref.names[1]})`,
      });
  }
  return dependsOn;
}

/** Phase 5: the stages steps run in (each stage in parallel); steps that wait on each other in a cycle are a problem. */
function orderInStages(dependsOn: Record<string, string[]>, found: Findings): string[][] {
  const stages = stagesOf(dependsOn);
  const placed = new Set(stages.flat());
  const looping = Object.keys(dependsOn).filter((id) => !placed.has(id));
  if (looping.length > 0)
    found.problems.push({
      path: 'steps',
      code: 'CYCLE',
      message: `步骤之间存在循环依赖 (the steps depend on each other in a cycle): ${looping.join(', ')}`,
    });
  return stages;
}

/** Phase 6: what each step calls — known, not a composite, not retired; deprecated versions and time limits warned about. */
async function resolveTargets(def: CompositeDefinition, resolve: ResolveTarget, found: Findings): Promise<Record<string, StepTarget>> {
  const { problems, warnings } = found;
  const targets: Record<string, StepTarget> = {};
  await Promise.all(
    def.steps.map(async (s, i) => {
      const target = await resolve(s.capability, s.version);
      if (!target)
        return problems.push({
          path: `steps[${i}].capability`,
          code: 'UNKNOWN_CAPABILITY',
          message: `能力不存在 (unknown capability): ${s.capability}${s.version ? ` v${s.version}` : ''}`,
        });
      if (target.kind === 'composite')
        return problems.push({
          path: `steps[${i}].capability`,
          code: 'NESTED_COMPOSITE',
          message: `组合能力的步骤不能调用组合能力 (a step cannot call a composite): ${s.capability}`,
        });
      if (target.status === 'retired')
        return problems.push({
          path: `steps[${i}].capability`,
          code: 'CAPABILITY_RETIRED',
          message: `能力版本已下线 (capability version retired): ${s.capability} v${target.version}`,
        });
      if (target.status === 'deprecated') warnings.push(`steps[${i}]: ${s.capability} v${target.version} 已弃用 (deprecated)`);
      if (s.timeoutMs !== undefined && s.timeoutMs > target.timeoutMs)
        warnings.push(
          `steps[${i}]: timeoutMs ${s.timeoutMs} 超过 ${s.capability} 自身的 ${target.timeoutMs} ms，按后者 (more than the capability's own timeout, which applies)`,
        );
      if (s.timeoutMs === undefined && target.timeoutMs > def.timeoutMs)
        warnings.push(
          `steps[${i}]: ${s.capability} 的超时 ${target.timeoutMs} ms 超过组合能力的 ${def.timeoutMs} ms (its timeout exceeds the composite's)`,
        );
      targets[s.id] = target;
      return undefined;
    }),
  );
  return targets;
}

/**
 * Phase 7: every rooted path names a field that exists, and every mapping gives what its target
 * accepts (the step's capability input; the composite's output schema).
 */
function checkFields(def: CompositeDefinition, parsed: Map<string, AstNode>, targets: Record<string, StepTarget>, found: Findings): void {
  const { problems } = found;
  const context: PathContext = (names) => {
    if (names[0] === 'input') return { schema: def.input, rest: names.slice(1) };
    if (names[0] === 'steps' && names[1] && targets[names[1]]) return { schema: targets[names[1]]!.outputSchema, rest: names.slice(2) };
    return null;
  };
  for (const [path, ast] of parsed) {
    for (const ref of rootedPaths(ast)) {
      const root = context(ref.names);
      if (!root) continue;
      const field = resolveFields(root.schema, root.rest);
      if ('missing' in field)
        problems.push({
          path,
          code: 'UNKNOWN_FIELD',
          message: `${ref.names.join('.')}: 没有字段 ${field.missing} (no field ${field.missing})`,
        });
    }
  }
  def.steps.forEach((s, i) => {
    const target = targets[s.id];
    if (!target) return;
    const ast = parsed.get(`steps[${i}].input`);
    const given: Record<string, Set<string> | null> | null =
      s.input === undefined ? fieldsOfSchema(def.input) : ast ? fieldsOfConstructor(ast, context) : null;
    if (given)
      problems.push(
        ...compareFields(`steps[${i}].input`, given, target.inputSchema, `${s.capability} 的输入 (the input of ${s.capability})`),
      );
  });
  const outputAst = parsed.get('output');
  if (def.outputSchema && outputAst) {
    const given = fieldsOfConstructor(outputAst, context);
    if (given) problems.push(...compareFields('output', given, def.outputSchema, '组合能力的输出 (the composite output)'));
  }
}

/** Steps by level: a step's level is one more than its deepest dependency's; steps in a cycle get none. */
export function stagesOf(dependsOn: Record<string, string[]>): string[][] {
  const level = new Map<string, number>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, deps] of Object.entries(dependsOn)) {
      if (level.has(id) || !deps.every((d) => level.has(d))) continue;
      level.set(id, deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => level.get(d)!)));
      changed = true;
    }
  }
  const stages: string[][] = [];
  for (const [id, l] of level) (stages[l] ??= []).push(id);
  return stages;
}

/** Paths in an expression that start at `input` or `steps`, as their leading names (`steps.verify.match` → [steps, verify, match]). */
function rootedPaths(ast: AstNode): { names: string[] }[] {
  const out: { names: string[] }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as AstNode;
    // `$.steps.a` and `$$.steps.a` are the same paths as `steps.a`.
    const from = Array.isArray(n.steps) && n.steps[0]?.type === 'variable' && (n.steps[0].value === '' || n.steps[0].value === '$') ? 1 : 0;
    if (
      n.type === 'path' &&
      Array.isArray(n.steps) &&
      n.steps[from]?.type === 'name' &&
      (n.steps[from].value === 'input' || n.steps[from].value === 'steps')
    ) {
      const names: string[] = [];
      for (const step of n.steps.slice(from)) {
        if (step.type !== 'name' || typeof step.value !== 'string') break;
        names.push(step.value);
      }
      out.push({ names });
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') visit(v);
  };
  visit(ast);
  return out;
}

function deref(schema: Schema, root: Schema): Schema {
  if (!schema || typeof schema !== 'object') return {};
  let s = schema;
  for (let i = 0; i < 8 && typeof s['$ref'] === 'string'; i++) {
    const name = (s['$ref'] as string).replace(/^#\/(definitions|\$defs)\//, '');
    s = ((root['definitions'] ?? root['$defs']) as Record<string, Schema> | undefined)?.[name] ?? {};
  }
  return s;
}

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

function typesOf(schema: Schema): Set<string> | null {
  const t = schema['type'];
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t as string[]);
  if (Array.isArray(schema['enum'])) return new Set((schema['enum'] as unknown[]).map(jsonType));
  return null;
}

/** The schema at a chain of field names (through arrays, which JSONata maps over), or the first missing name. */
function resolveFields(rootSchema: Schema, names: string[]): { schema: Schema | null; viaArray: boolean } | { missing: string } {
  let cur: Schema | null = rootSchema;
  let viaArray = false;
  for (const name of names) {
    if (!cur) return { schema: null, viaArray };
    cur = deref(cur, rootSchema);
    while (cur['type'] === 'array' && cur['items'] && typeof cur['items'] === 'object') {
      cur = deref(cur['items'] as Schema, rootSchema);
      viaArray = true;
    }
    const props = cur['properties'] as Record<string, Schema> | undefined;
    if (props && name in props) {
      cur = props[name]!;
      continue;
    }
    const types = typesOf(cur);
    const open =
      cur['additionalProperties'] === true || (typeof cur['additionalProperties'] === 'object' && cur['additionalProperties'] !== null);
    if ((props && !open) || (types && [...types].every((t) => PRIMITIVES.has(t)))) return { missing: name };
    cur = null;
  }
  return { schema: cur ? deref(cur, rootSchema) : null, viaArray };
}

/** The fields an object constructor `{ "k": expr, … }` gives with the types known for each (null: unknown); null when not a constructor. */
function fieldsOfConstructor(ast: AstNode, context: PathContext): Record<string, Set<string> | null> | null {
  if (ast.type !== 'unary' || ast.value !== '{' || !Array.isArray(ast.lhs)) return null;
  const fields: Record<string, Set<string> | null> = {};
  for (const pair of ast.lhs as [AstNode, AstNode][]) {
    const [key, value] = pair;
    if (key?.type !== 'string' || typeof key.value !== 'string') return null;
    fields[key.value] = typeOfNode(value, context);
  }
  return fields;
}

/** The fields of an object schema (the composite input passed on as is). */
function fieldsOfSchema(schema: Schema): Record<string, Set<string> | null> | null {
  const props = schema['properties'] as Record<string, Schema> | undefined;
  if (!props) return null;
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, typesOf(deref(v, schema))]));
}

function typeOfNode(node: AstNode, context: PathContext): Set<string> | null {
  if (node.type === 'string') return new Set(['string']);
  if (node.type === 'number') return new Set([Number.isInteger(node.value) ? 'integer' : 'number']);
  if (node.type === 'value') return new Set([jsonType(node.value)]);
  if (node.type === 'unary' && node.value === '{') return new Set(['object']);
  if (node.type === 'unary' && node.value === '[') return new Set(['array']);
  if (node.type === 'path' && Array.isArray(node.steps) && node.steps.every((s) => s.type === 'name' && !s['stages'] && !s['predicate'])) {
    const names = node.steps.map((s) => s.value as string);
    const root = context(names);
    if (!root) return null;
    const found = resolveFields(root.schema, root.rest);
    if ('missing' in found || !found.schema) return null;
    const types = typesOf(found.schema);
    if (!types) return null;
    // Mapped over an array, JSONata gives one value or an array of them.
    return found.viaArray ? new Set([...types, 'array']) : types;
  }
  return null;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function compatible(given: Set<string>, wanted: Set<string>): boolean {
  for (const g of given) {
    if (wanted.has(g)) return true;
    if (g === 'integer' && wanted.has('number')) return true;
    if (g === 'number' && wanted.has('integer')) return true; // decided at run time
  }
  return false;
}

/** The given fields against the schema they are for: not accepted (closed schema), required but not given, wrong type. */
function compareFields(path: string, given: Record<string, Set<string> | null>, schema: Schema, what: string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const target = deref(schema, schema);
  const props = (target['properties'] && typeof target['properties'] === 'object' ? target['properties'] : {}) as Record<string, Schema>;
  const closed = target['additionalProperties'] === false;
  for (const [field, types] of Object.entries(given)) {
    const prop = props[field];
    if (!prop) {
      if (closed)
        problems.push({ path, code: 'FIELD_NOT_ACCEPTED', message: `${what}不接受字段 ${field} (field ${field} is not accepted)` });
      continue;
    }
    const wanted = typesOf(deref(prop, schema));
    if (types && wanted && !compatible(types, wanted)) {
      problems.push({
        path,
        code: 'TYPE_MISMATCH',
        message: `${what}字段 ${field} 须为 ${[...wanted].join('|')}，映射给出 ${[...types].join('|')} (field ${field} wants ${[...wanted].join('|')}, the mapping gives ${[...types].join('|')})`,
      });
    }
  }
  for (const field of Array.isArray(target['required']) ? (target['required'] as string[]) : []) {
    if (!(field in given))
      problems.push({ path, code: 'MISSING_FIELD', message: `${what}缺少必填字段 ${field} (required field ${field} is not mapped)` });
  }
  return problems;
}
