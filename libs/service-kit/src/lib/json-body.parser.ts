import secureJson from 'secure-json-parse';
import { describeJsonHazard, findJsonHazard } from '@gmp/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CommonProblem, type ProblemException } from './problem.js';

/**
 * Deepest nesting of objects and arrays a request body may have (`{}` is 1 level) unless
 * HTTP_JSON_MAX_DEPTH says otherwise. Real inputs of the platform nest a few levels; deeper
 * ones would overflow the stack of class-transformer / class-validator (which recurse) or of
 * JSON.stringify further on.
 */
export const DEFAULT_JSON_MAX_DEPTH = 64;

/**
 * How deep JSON text nests, counted in one pass over the text without parsing or recursion;
 * stops as soon as `limit` is exceeded. Returns the offset of the bracket that goes one level
 * too deep, or -1. (Brackets inside strings do not count; malformed text is left to the parser.)
 */
export function offsetBeyondDepth(text: string, limit: number): number {
  // Fewer characters than levels allowed: it cannot be too deep.
  if (text.length <= limit) return -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return i;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return -1;
}

/** 400 BODY_TOO_DEEP or INVALID_CHARACTERS when a parsed value nests too deep or carries strings PostgreSQL cannot store. */
export function assertStorableJson(value: unknown, maxDepth = DEFAULT_JSON_MAX_DEPTH): void {
  const hazard = findJsonHazard(value, maxDepth);
  if (!hazard) return;
  const where = hazard.path || '(根 root)';
  if (hazard.problem === 'too-deep') throw tooDeep(maxDepth, `at ${where}`);
  if (hazard.problem === 'non-finite-number') {
    throw CommonProblem.INVALID_NUMBER(`${describeJsonHazard(hazard)}: ${where}`, [
      { field: hazard.path, message: describeJsonHazard(hazard) },
    ]);
  }
  throw CommonProblem.INVALID_CHARACTERS(`${describeJsonHazard(hazard)}: ${where}`, [
    { field: hazard.path, message: describeJsonHazard(hazard) },
  ]);
}

/**
 * Parses a JSON request body, or throws a 400 problem: BODY_TOO_DEEP (nesting above
 * `maxDepth`, checked on the text before parsing), INVALID_CHARACTERS (NUL or a lone
 * surrogate in a string or key, naming its path), INVALID_REQUEST (not JSON, empty, or a
 * `__proto__` / `constructor.prototype` key — refused as Fastify's own parser does).
 */
export function parseJsonBody(body: string | Buffer, maxDepth = DEFAULT_JSON_MAX_DEPTH): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.length === 0) throw invalidJson('请求体为空 (the body is empty but content-type is application/json)');
  const beyond = offsetBeyondDepth(text, maxDepth);
  if (beyond >= 0) throw tooDeep(maxDepth, `at character ${beyond}`);
  let value: unknown;
  try {
    // JSON.parse itself does not recurse; secure-json-parse scans (iteratively) for prototype poisoning.
    value = secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    throw invalidJson(String((err as Error)?.message ?? err).slice(0, 200));
  }
  assertStorableJson(value, maxDepth);
  return value;
}

/**
 * The `application/json` parser of every service (given to Nest's `useBodyParser`, which keeps
 * the bytes on `request.rawBody` first when the service asks for them).
 */
export function jsonBodyParser(maxDepth = DEFAULT_JSON_MAX_DEPTH) {
  return (_request: FastifyRequest, body: Buffer | string, done: (err: Error | null, body?: unknown) => void): void => {
    let value: unknown;
    try {
      value = parseJsonBody(body, maxDepth);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    done(null, value);
  };
}

/**
 * Query-string values and path parameters with NUL (`%00`) would reach PostgreSQL too: every
 * route answers 400 INVALID_CHARACTERS for them before its handler runs — and 400 INVALID_QUERY
 * for a repeated query parameter.
 */
export function refuseUnstorableUrlParts(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    // A repeated query parameter arrives as an array where every route reads one string: refused, not crashed on.
    const query = request.query as Record<string, unknown> | null;
    const repeated = query && typeof query === 'object' ? Object.keys(query).find((k) => Array.isArray(query[k])) : undefined;
    if (repeated !== undefined) {
      done(
        CommonProblem.INVALID_QUERY(`query.${repeated}: 只能出现一次 (must appear once)`, [
          { field: `query.${repeated}`, message: '只能出现一次 (must appear once)' },
        ]),
      );
      return;
    }
    for (const [part, value] of [
      ['query', request.query],
      ['params', request.params],
    ] as const) {
      const hazard = value && typeof value === 'object' ? findJsonHazard(value, 4) : null;
      if (hazard?.problem === 'unstorable-character') {
        const field = `${part}${hazard.path.startsWith('[') || !hazard.path ? '' : '.'}${hazard.path}`;
        done(CommonProblem.INVALID_CHARACTERS(`${describeJsonHazard(hazard)}: ${field}`, [{ field, message: describeJsonHazard(hazard) }]));
        return;
      }
    }
    done();
  });
}

function tooDeep(maxDepth: number, where: string): ProblemException {
  return CommonProblem.BODY_TOO_DEEP(`对象和数组至多嵌套 ${maxDepth} 层 (objects and arrays nest at most ${maxDepth} levels): ${where}`);
}

function invalidJson(detail: string): ProblemException {
  return CommonProblem.INVALID_REQUEST(detail);
}
