import { Ajv, type ValidateFunction } from 'ajv';
import { CommonProblem } from '@gmp/service-kit';
import jsonata, { type Expression } from 'jsonata';

const MAX = 5_000;

/**
 * Limits on every evaluation: JSONata never yields to the event loop while it runs, so an
 * expression that loops or builds huge sequences would hold the whole instance. Stopped after
 * 100 ms or 300 frames deep (D1012 / stack error), sequences over 100,000 items refused.
 */
export const JSONATA_LIMITS = { timeout: 100, stack: 300, sequence: 100_000 };
/** Largest value a mapping may produce (serialised). */
export const MAX_MAPPED_BYTES = 1024 * 1024;

/**
 * Compiled JSON Schemas and JSONata expressions, by their text: compiled once, not at every call
 * or every registry reload (Ajv keeps every schema object it compiled, so compiling reloaded
 * copies would grow without end). Bounded: past 5,000 entries it starts afresh.
 */
export class CompiledCache {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly expressions = new Map<string, Expression>();

  /** Throws Ajv's error for an invalid schema. */
  validator(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let v = this.validators.get(key);
    if (!v) {
      if (this.validators.size >= MAX) this.validators.clear();
      // An Ajv of its own: schemas of different upstreams or composites may share an $id.
      v = new Ajv({ allErrors: true, strict: false }).compile(structuredClone(schema));
      this.validators.set(key, v);
    }
    return v;
  }

  /** Throws JSONata's error for an invalid expression. Evaluations run under JSONATA_LIMITS; use `evaluate` for a size-checked result. */
  expression(text: string): Expression {
    let e = this.expressions.get(text);
    if (!e) {
      if (this.expressions.size >= MAX) this.expressions.clear();
      e = jsonata(text, JSONATA_LIMITS);
      // $eval would let data become code (an input field evaluated as an expression).
      e.registerFunction('eval', () => {
        throw Object.assign(new Error('$eval 不可用 ($eval is not available)'), { code: 'EVAL_DISABLED' });
      });
      this.expressions.set(text, e);
    }
    return e;
  }

  /** Evaluates under the limits; the result as plain JSON (JSONata's sequence markers dropped), refused over MAX_MAPPED_BYTES. */
  async evaluate(text: string, input: unknown): Promise<unknown> {
    const value: unknown = await this.expression(text).evaluate(input);
    if (value === undefined) return undefined;
    const json = JSON.stringify(value);
    if (json === undefined) return undefined;
    if (json.length > MAX_MAPPED_BYTES)
      throw Object.assign(new Error(`映射结果过大 (mapped value over ${MAX_MAPPED_BYTES} bytes)`), { code: 'MAPPED_TOO_LARGE' });
    return JSON.parse(json) as unknown;
  }
}

/** An input checked against a compiled JSON Schema (proxied upstreams, composites): the object, or 400 INVALID_INPUT naming the fields. */
export function checkedInput(validate: ValidateFunction, input: unknown): object {
  if (typeof input === 'object' && input !== null && !Array.isArray(input) && validate(input)) return input;
  const p = (e: NonNullable<ValidateFunction['errors']>[number]) => e.params as Record<string, unknown> | undefined;
  const errors =
    typeof input !== 'object' || input === null || Array.isArray(input)
      ? []
      : (validate.errors ?? []).map((e) => ({
          field:
            e.instancePath.replace(/^\//, '').replace(/\//g, '.') ||
            String(p(e)?.['missingProperty'] ?? p(e)?.['additionalProperty'] ?? '/'),
          message: e.message ?? 'invalid',
        }));
  throw CommonProblem.INVALID_INPUT(
    '输入不符合能力契约 (input does not match the capability contract)',
    errors.length ? errors : [{ field: '/', message: 'an object is required' }],
  );
}
