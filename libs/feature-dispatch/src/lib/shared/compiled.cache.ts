import { Ajv, type ValidateFunction } from 'ajv';
import jsonata, { type Expression } from 'jsonata';

const MAX = 5_000;

/**
 * Compiled JSON Schemas and JSONata expressions, by their text: compiled once, not at every call
 * or every registry reload (Ajv keeps every schema object it compiled, so compiling reloaded
 * copies would grow without end). Bounded: past 5,000 entries it starts afresh.
 */
export class CompiledCache {
  private ajv = new Ajv({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly expressions = new Map<string, Expression>();

  /** Throws Ajv's error for an invalid schema. */
  validator(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let v = this.validators.get(key);
    if (!v) {
      if (this.validators.size >= MAX) {
        this.validators.clear();
        this.ajv = new Ajv({ allErrors: true, strict: false });
      }
      v = this.ajv.compile(structuredClone(schema));
      this.validators.set(key, v);
    }
    return v;
  }

  /** Throws JSONata's error for an invalid expression. */
  expression(text: string): Expression {
    let e = this.expressions.get(text);
    if (!e) {
      if (this.expressions.size >= MAX) this.expressions.clear();
      e = jsonata(text);
      this.expressions.set(text, e);
    }
    return e;
  }
}
