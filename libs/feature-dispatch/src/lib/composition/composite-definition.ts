import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { assertStorableJson, CommonProblem, DEFAULT_JSON_MAX_DEPTH } from '@gmp/service-kit';
import { CompositionProblem } from './composition.problems.js';

/** What a step does when its call fails: the composite fails (default), the step's output is null, or a fixed value. */
export const ON_FAILURE = ['fail', 'continue', 'fallback'] as const;
export type OnFailure = (typeof ON_FAILURE)[number];

/** One call of a composite: which capability, its input mapped (JSONata) from the request and earlier steps' outputs. */
export interface CompositeStep {
  /** Name the later steps and the output use: `steps.<id>.<field>`. */
  id: string;
  capability: string;
  /** Version of the capability (default: the highest). */
  version?: string;
  /** JSONata over `{ input, steps }` giving the step's input (default: the composite's input as is). */
  input?: string;
  /** JSONata over `{ input, steps }`: the step runs only when it is true (otherwise its output is `fallback`, or null). */
  when?: string;
  /** Steps this one waits for besides those its expressions name. */
  needs?: string[];
  /** How long this step may take (default and at most: the capability's timeout). */
  timeoutMs?: number;
  onFailure?: OnFailure;
  /** The step's output when it fails with onFailure `fallback`, or is skipped by `when`. */
  fallback?: unknown;
}

/** A composite capability (组合能力): a DAG of capability calls published as one capability. */
/** A composite's definition as sent: JSON (parsed by the body parser) or YAML text, checked by the dry-run (never by a class: the checks name each problem's place). */
export type CompositeDocument = string | Record<string, unknown>;

export interface CompositeDefinition {
  code: string;
  version: string;
  name: string;
  description?: string;
  ownerDepartment: string;
  /** JSON Schema of the composite's input (checked before any step runs). */
  input: Record<string, unknown>;
  /** JSON Schema of its output (checked before it is returned); optional. */
  outputSchema?: Record<string, unknown>;
  steps: CompositeStep[];
  /** JSONata over `{ input, steps }` giving the answer (default: every step's output by id). */
  output?: string;
  /** The whole composite's time limit (at most 30 s: below the asynchronous calls' lease, so a run is never taken over while it lasts). */
  timeoutMs: number;
}

const CODE = '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$';

/** The shape of a definition (checked first; meaning is checked by planComposite). */
export const COMPOSITE_DEFINITION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'ownerDepartment', 'input', 'steps'],
  properties: {
    code: { type: 'string', pattern: CODE, minLength: 3, maxLength: 64 },
    version: { type: 'string', pattern: '^[0-9]{1,8}$', default: '1' },
    name: { type: 'string', minLength: 1, maxLength: 128 },
    description: { type: 'string', maxLength: 1024 },
    ownerDepartment: { type: 'string', minLength: 1, maxLength: 128 },
    input: { type: 'object' },
    outputSchema: { type: 'object' },
    output: { type: 'string', minLength: 1, maxLength: 8192 },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 30_000, default: 10_000 },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'capability'],
        properties: {
          id: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,31}$' },
          capability: { type: 'string', pattern: CODE, maxLength: 64 },
          version: { type: 'string', pattern: '^[0-9]{1,8}$' },
          input: { type: 'string', minLength: 1, maxLength: 8192 },
          when: { type: 'string', minLength: 1, maxLength: 2048 },
          needs: { type: 'array', items: { type: 'string' }, maxItems: 32, uniqueItems: true },
          timeoutMs: { type: 'integer', minimum: 100, maximum: 30_000 },
          onFailure: { enum: [...ON_FAILURE] },
          fallback: {},
        },
      },
    },
  },
} as const;

const shape = new Ajv({ allErrors: true, strict: false, useDefaults: true }).compile(COMPOSITE_DEFINITION_SCHEMA);

/** A problem found in a definition, with where it is (`steps[1].input`, `output` …). */
export interface DefinitionProblem {
  path: string;
  code:
    | 'INVALID_DEFINITION'
    | 'INVALID_EXPRESSION'
    | 'DUPLICATE_STEP'
    | 'UNKNOWN_STEP'
    | 'CYCLE'
    | 'UNKNOWN_CAPABILITY'
    | 'CAPABILITY_RETIRED'
    | 'NESTED_COMPOSITE'
    | 'UNKNOWN_FIELD'
    | 'TYPE_MISMATCH'
    | 'MISSING_FIELD'
    | 'FIELD_NOT_ACCEPTED'
    | 'INVALID_SCHEMA';
  message: string;
}

/**
 * A definition from a request body: a JSON object, or YAML text (Content-Type application/yaml).
 * Returns the definition with defaults filled in, or the shape problems.
 */
export function readDefinition(body: unknown): { definition: CompositeDefinition | null; problems: DefinitionProblem[] } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = parseYaml(body, { maxAliasCount: 10 });
    } catch (err) {
      const message = String((err as Error)?.message ?? err);
      // The yaml package recurses on nesting and reports a stack overflow as a parse error.
      if (err instanceof RangeError || /Maximum call stack size exceeded/.test(message)) {
        throw CommonProblem.BODY_TOO_DEEP(
          `对象和数组至多嵌套 ${DEFAULT_JSON_MAX_DEPTH} 层 (objects and arrays nest at most ${DEFAULT_JSON_MAX_DEPTH} levels)`,
        );
      }
      throw CompositionProblem.INVALID_YAML(message.slice(0, 300));
    }
    // What JSON bodies get from the body parser: bounded nesting (400 BODY_TOO_DEEP), no NUL or lone surrogates (400 INVALID_CHARACTERS).
    assertStorableJson(value);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { definition: null, problems: [{ path: '/', code: 'INVALID_DEFINITION', message: '定义须为对象 (a definition is an object)' }] };
  }
  const copy = structuredClone(value) as Record<string, unknown>;
  if (shape(copy)) return { definition: copy as unknown as CompositeDefinition, problems: [] };
  return {
    definition: null,
    problems: (shape.errors ?? []).map((e) => ({
      path: pathOf(e.instancePath) || '/',
      code: 'INVALID_DEFINITION',
      message: `${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params['additionalProperty'])}` : ''}${e.params && 'missingProperty' in e.params ? `: ${String(e.params['missingProperty'])}` : ''}`,
    })),
  };
}

/** `/steps/1/input` → `steps[1].input`. */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}
