import { TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import type { Route } from './openapi-routes.js';
import { wtf8 } from './raw-http.js';
import { type HeaderChoice, type ParamFixture, plausibleParts, targetOf } from './requests.js';

/** One request of the malformed-input suite. */
export interface HostileCase {
  route: Route;
  /** What is hostile about it, e.g. `body .holderId: NUL`. */
  label: string;
  target: string;
  headers: [string, string | Buffer][];
  body?: string | Buffer;
}

/** Characters that must never reach storage, logs or other systems unchecked. */
export const CONTROL_CHARACTERS: [string, string][] = [
  ['NUL', '\u0000'],
  ['U+0001', '\u0001'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['U+2028', '\u2028'],
  ['lone surrogate', '\ud800'],
];
/** The same, percent-encoded (how who-and-why headers and query strings carry them); the surrogate as its WTF-8 bytes. */
const PERCENT: [string, string][] = [
  ['%00', '%00'],
  ['%01', '%01'],
  ['%1B', '%1B'],
  ['%7F', '%7F'],
  ['%E2%80%A8', '%E2%80%A8'],
  ['%ED%A0%80 (surrogate)', '%ED%A0%80'],
];

const LONG_STRING = 'A'.repeat(100_000);
const DEEP = 5_000;
/** Tokens written into the JSON text as they are (numbers JSON.stringify cannot produce). */
const RAW = (text: string) => `@@raw:${text}@@`;

/** Values for one path segment (already encoded as they go on the request line). */
export const HOSTILE_PATH_VALUES: [string, string][] = [
  ...PERCENT.map(([l, v]): [string, string] => [`path ${l}`, `e2e${v}x`]),
  ['path raw NUL byte', 'e2e\u0000x'],
  ['path raw U+2028', 'e2e\u2028x'],
  ['path 5,000 characters', 'A'.repeat(5_000)],
  ['path traversal', '..%2F..%2F..%2Fetc%2Fpasswd'],
  ['path dot-dot', '..'],
  ['path SQL', '%27%20OR%20%271%27%3D%271'],
  ['path -1', '-1'],
  ['path 1e309', '1e309'],
  ['path 2^64', '18446744073709551616'],
  ['path bad escape', '%E0%A4%A'],
  ['path lone %', '%'],
  ['path %FF', '%FF%FE'],
  ['path emoji', encodeURIComponent('😀')],
  ['path JSON', encodeURIComponent('{"$gt":""}')],
];

/** Values for one query parameter (`name` is substituted; the query is the whole string after `?`). */
export const HOSTILE_QUERY: [string, (name: string) => string][] = [
  ...PERCENT.map(([l, v]): [string, (name: string) => string] => [`query ${l}`, (n) => `${n}=e2e${v}x`]),
  ['query raw U+2028', (n) => `${n}=e2e\u2028x`],
  ['query 10,000 characters', (n) => `${n}=${'A'.repeat(10_000)}`],
  ['query repeated (array)', (n) => `${n}=a&${n}=b`],
  ['query bracket (object)', (n) => `${n}[a]=1&${n}[b]=2`],
  ['query no value', (n) => n],
  ['query empty', (n) => `${n}=`],
  ['query -1', (n) => `${n}=-1`],
  ['query 1e309', (n) => `${n}=1e309`],
  ['query 2^64', (n) => `${n}=18446744073709551616`],
  ['query bad escape', (n) => `${n}=%E0%A4%A`],
  ['query not a date', (n) => `${n}=2026-13-45T99:99:99Z`],
];

/** Values for one header. */
export const HOSTILE_HEADER_VALUES: [string, string | Buffer][] = [
  ...CONTROL_CHARACTERS.map(([l, c]): [string, string] => [`raw ${l}`, `e2e${c}x`]),
  ...PERCENT.map(([l, v]): [string, string] => [`percent-encoded ${l}`, `e2e${v}x`]),
  ['8,000 characters', 'A'.repeat(8_000)],
  ['bad percent escape', '%E0%A4%A'],
  ['empty', ''],
  ['invalid UTF-8 bytes', Buffer.from([0x65, 0xff, 0xfe, 0x78])],
];

/**
 * Headers the platform reads on (nearly) every route whether or not a route declares them — the
 * correlation id in the service kit, the who-and-why headers, the file name of uploads. Each
 * route gets one hostile value per header, in turn.
 */
export const PLATFORM_HEADERS = [
  'x-correlation-id',
  'x-caller',
  'x-purpose',
  'x-legal-basis',
  'x-end-user',
  'x-case-id',
  'x-file-name',
  'idempotency-key',
  'x-capability-version',
];

/** Authorization values that are malformed rather than merely wrong. */
export const HOSTILE_AUTHORIZATION: [string, string | Buffer][] = [
  ['Basic with NUL in the AppKey', `Basic ${Buffer.from('demo-portal\u0000:demo-portal-secret').toString('base64')}`],
  ['Basic with a lone surrogate', `Basic ${wtf8('\ud800demo:x').toString('base64')}`],
  ['Basic not base64', 'Basic !!!*not-base64*'],
  ['Basic empty', 'Basic '],
  ['Basic 8,000 characters', `Basic ${'QUFB'.repeat(2_000)}`],
  ['Bearer 8,000 characters', `Bearer ${'A'.repeat(8_000)}`],
  ['Bearer three dots', 'Bearer a.b.c'],
  ['Bearer percent NUL', 'Bearer %00'],
  ['Bearer JSON', 'Bearer {"alg":"none"}'],
  ['unknown scheme', 'Digest username="x"'],
];

export const HOSTILE_INTERNAL_TOKEN: [string, string | Buffer][] = [
  ['internal token + raw NUL', `${TEST_INTERNAL_API_TOKEN}\u0000`],
  ['internal token + U+2028', `${TEST_INTERNAL_API_TOKEN}\u2028`],
  ['internal token 8,000 characters', 'A'.repeat(8_000)],
  ['internal token percent NUL', '%00'],
];

/** Hostile replacements for a leaf (or node) of a JSON body, by the type of what is there. */
function replacementsFor(value: unknown): [string, unknown][] {
  if (typeof value === 'string') {
    return [
      ...CONTROL_CHARACTERS.map(([l, c]): [string, unknown] => [l, `${value.slice(0, 32)}${c}x`]),
      ['100,000 characters', LONG_STRING],
      ['number for string', 12345],
      ['object for string', { a: 'b' }],
      ['array for string', ['x']],
      ['null for string', null],
      ['boolean for string', true],
      ['1e309 for string', RAW('1e309')],
    ];
  }
  if (typeof value === 'number') {
    return [
      ['string for number', '1'],
      ['word for number', 'abc'],
      ['1e309', RAW('1e309')],
      ['-1e309', RAW('-1e309')],
      ['2^53+1', RAW('9007199254740993')],
      ['-1', -1],
      ['1.5', 1.5],
      ['object for number', {}],
      ['null for number', null],
    ];
  }
  if (typeof value === 'boolean')
    return [
      ['string for boolean', 'true'],
      ['number for boolean', 1],
      ['null for boolean', null],
      ['object for boolean', {}],
    ];
  if (Array.isArray(value)) {
    return [
      ['string for array', 'x'],
      ['object for array', {}],
      ['null for array', null],
      ['empty array', []],
      ['10,000 elements', Array.from({ length: 10_000 }, () => value[0] ?? 'x')],
    ];
  }
  if (value && typeof value === 'object')
    return [
      ['string for object', 'x'],
      ['array for object', []],
      ['null for object', null],
      ['number for object', 12],
    ];
  return [
    ['string for null', 'x'],
    ['object for null', {}],
  ];
}

type JsonPath = (string | number)[];

/** Every node under the root (leaves and containers), depth first. */
function nodesOf(value: unknown, path: JsonPath = []): { path: JsonPath; value: unknown }[] {
  const out: { path: JsonPath; value: unknown }[] = path.length > 0 ? [{ path, value }] : [];
  if (Array.isArray(value)) value.slice(0, 3).forEach((v, i) => out.push(...nodesOf(v, [...path, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...nodesOf(v, [...path, k]));
  return out;
}

function withValue(root: unknown, path: JsonPath, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return copy;
}

export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"@@raw:([^@]*)@@"/g, '$1');
}

const pathText = (path: JsonPath) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '(root)';

/**
 * Mutations of a body example: each node replaced by each hostile value of its type. When that
 * makes more than `budget` requests, each node gets every k-th value (shifted per node) so that
 * every node and every kind of value is still sent.
 */
export function bodyMutations(example: unknown, budget: number): { label: string; body: string }[] {
  const pairs: { label: string; path: JsonPath; replacement: unknown; node: number; kind: number }[] = [];
  nodesOf(example).forEach((node, n) => {
    replacementsFor(node.value).forEach(([label, replacement], k) =>
      pairs.push({ label: `body ${pathText(node.path)}: ${label}`, path: node.path, replacement, node: n, kind: k }),
    );
  });
  const stride = Math.max(1, Math.ceil(pairs.length / budget));
  return pairs
    .filter((p) => (p.kind + p.node) % stride === 0)
    .map((p) => ({ label: p.label, body: jsonText(withValue(example, p.path, p.replacement)) }));
}

/** Bodies that are wrong as a whole, whatever the route expects. */
export function structuralBodies(example: unknown): { label: string; body: string | Buffer }[] {
  const json = jsonText(example);
  const firstString = nodesOf(example).find((n) => typeof n.value === 'string');
  const withBytes = (bytes: Buffer) => {
    if (!firstString) return Buffer.concat([Buffer.from('{"x":"'), bytes, Buffer.from('"}')]);
    const marker = '@@bytes@@';
    const [before, after] = jsonText(withValue(example, firstString.path, marker)).split(marker) as [string, string];
    return Buffer.concat([Buffer.from(before), bytes, Buffer.from(after)]);
  };
  const isObject = example !== null && typeof example === 'object' && !Array.isArray(example);
  return [
    { label: 'invalid JSON: truncated', body: '{"a":' },
    { label: 'invalid JSON: single quotes', body: "{'a':1}" },
    { label: 'invalid JSON: trailing brace', body: `${json}}` },
    { label: 'invalid JSON: empty body', body: '' },
    { label: 'invalid JSON: raw NUL byte', body: Buffer.from([0x00]) },
    { label: 'JSON with a BOM', body: `\ufeff${json}` },
    { label: 'JSON array (empty) for object', body: '[]' },
    { label: 'JSON array of the example', body: `[${json}]` },
    { label: 'JSON null', body: 'null' },
    { label: 'JSON string', body: '"x"' },
    { label: 'JSON number', body: '123' },
    { label: 'JSON true', body: 'true' },
    { label: `nested objects ${DEEP} deep`, body: `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}` },
    { label: `nested arrays ${DEEP} deep`, body: `${'['.repeat(DEEP)}${']'.repeat(DEEP)}` },
    ...(isObject
      ? [
          { label: '__proto__ key', body: `{"__proto__":{"polluted":true,"isAdmin":true},${json.slice(1)}` },
          { label: 'constructor.prototype key', body: `{"constructor":{"prototype":{"polluted":true}},${json.slice(1)}` },
          {
            label: `nested objects ${DEEP} deep in a field`,
            body: firstString
              ? jsonText(withValue(example, firstString.path, RAW(`${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`)))
              : `{"x":${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}`,
          },
        ]
      : []),
    { label: 'invalid UTF-8 bytes in a string', body: withBytes(Buffer.from([0xff, 0xfe, 0xc3])) },
    { label: 'WTF-8 lone surrogate bytes in a string', body: withBytes(Buffer.from([0xed, 0xa0, 0x80])) },
    {
      label: '2 MiB string (over the body limit)',
      body: firstString
        ? jsonText(withValue(example, firstString.path, 'A'.repeat(2 * 1024 * 1024)))
        : `{"x":"${'A'.repeat(2 * 1024 * 1024)}"}`,
    },
  ];
}

/** Content types a body is sent with besides its own; `null` sends none. */
export const CONTENT_TYPES: [string | null, (json: string) => string | Buffer][] = [
  ['text/plain', (j) => j],
  ['application/xml', () => '<?xml version="1.0"?><a><b>1</b></a>'],
  [null, (j) => j],
  ['application/x-www-form-urlencoded', () => 'a=1&b=%00&c[d]=e'],
  ['multipart/form-data; boundary=xyz', () => '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n'],
  ['application/json; charset=utf-16', (j) => j],
  ['application/yaml', () => 'a: [1, {b: \n- : :'],
  ['application/pdf', (j) => j],
  ['application/octet-stream', (j) => j],
  ['image/png', (j) => j],
  ['application/json, text/plain', (j) => j],
];

export interface CaseSettings {
  fixtures: ParamFixture[];
  headerChoice?: HeaderChoice;
  /** The headers that authenticate a request to this route (empty for public routes). */
  credentials: (route: Route) => [string, string][];
  /** Bodies to use instead of the documented example, e.g. one per capability for dispatch's invoke routes. */
  bodyVariants: (route: Route) => { label: string; pathValues: Record<string, string>; example: unknown }[] | null;
  /** Content types other routes of the same service declare (each route is sent those too). */
  serviceContentTypes: (route: Route) => string[];
  /** Cap on the body-field mutations of one route (or one body variant). */
  mutationBudget: number;
}

let platformHeaderTurn = 0;

/** Every hostile request of one route. */
export function casesOf(route: Route, s: CaseSettings): HostileCase[] {
  const cases: HostileCase[] = [];
  const credentials = s.credentials(route);
  const base = (pathOverrides: Record<string, string> = {}) => plausibleParts(route, s.fixtures, s.headerChoice, pathOverrides);
  const hasBody = route.body !== null;
  // Routes whose body depends on a path parameter (a capability's input): each case takes one variant in turn, path and body together.
  const variants = s.bodyVariants(route);
  let variantTurn = 0;
  type Variant = NonNullable<ReturnType<CaseSettings['bodyVariants']>>[number];
  const nextVariant = (): Variant | null => (variants && variants.length > 0 ? variants[variantTurn++ % variants.length]! : null);
  const push = (
    label: string,
    o: {
      variant?: Variant | null;
      pathValues?: Record<string, string>;
      query?: string[];
      headers?: [string, string | Buffer][];
      body?: string | Buffer;
      contentType?: string | null;
      replaceHeader?: [string, string | Buffer];
    },
  ) => {
    const v = o.variant === undefined ? nextVariant() : o.variant;
    const pathValues = { ...(v?.pathValues ?? {}), ...o.pathValues };
    const parts = base(pathValues);
    const headers: [string, string | Buffer][] = [...credentials, ...(o.headers ?? parts.headers)];
    if (o.replaceHeader) {
      const [name, value] = o.replaceHeader;
      const at = headers.findIndex(([h]) => h.toLowerCase() === name.toLowerCase());
      if (at >= 0) headers[at] = [name, value];
      else headers.push([name, value]);
    }
    const body = o.body ?? (hasBody ? jsonText(v ? v.example : route.body!.example) : undefined);
    const contentType = o.contentType === undefined ? (body !== undefined ? 'application/json' : null) : o.contentType;
    if (contentType !== null) headers.push(['Content-Type', contentType]);
    cases.push({
      route,
      label: `${v ? `[${v.label}] ` : ''}${label}`,
      target: targetOf(route, { ...parts.pathValues, ...pathValues }, o.query ?? parts.query),
      headers,
      ...(body !== undefined ? { body } : {}),
    });
  };

  push('plausible request', {});

  // Path parameters: each hostile value in each parameter, the others plausible.
  for (const p of route.params.filter((p) => p.in === 'path')) {
    for (const [label, value] of HOSTILE_PATH_VALUES) push(`{${p.name}} ${label}`, { pathValues: { [p.name]: value } });
  }
  // Query parameters: each alone, with each hostile value.
  for (const p of route.params.filter((p) => p.in === 'query')) {
    for (const [label, make] of HOSTILE_QUERY) push(`?${p.name} ${label}`, { query: [make(encodeURIComponent(p.name))] });
  }
  // Declared headers: every hostile value; platform-wide headers: one value each, in turn.
  const declared = route.params.filter((p) => p.in === 'header').map((p) => p.name);
  for (const name of declared) {
    for (const [label, value] of name === 'x-internal-token' ? HOSTILE_INTERNAL_TOKEN : HOSTILE_HEADER_VALUES)
      push(`header ${name}: ${label}`, { replaceHeader: [name, value] });
  }
  for (const name of PLATFORM_HEADERS.filter((h) => !declared.includes(h))) {
    const [label, value] = HOSTILE_HEADER_VALUES[platformHeaderTurn++ % HOSTILE_HEADER_VALUES.length]!;
    push(`header ${name} (undeclared): ${label}`, { replaceHeader: [name, value] });
  }
  // Credentials that are malformed rather than wrong (the route must refuse them, not fail).
  for (const [label, value] of HOSTILE_AUTHORIZATION) push(`authorization: ${label}`, { replaceHeader: ['authorization', value] });
  if (credentials.some(([h]) => h.toLowerCase() === 'x-internal-token') && !declared.includes('x-internal-token')) {
    for (const [label, value] of HOSTILE_INTERNAL_TOKEN)
      push(`header x-internal-token: ${label}`, { replaceHeader: ['x-internal-token', value] });
  }

  if (hasBody) {
    const structural = nextVariant();
    for (const { label, body } of structuralBodies(structural ? structural.example : route.body!.example))
      push(label, { variant: structural, body });
    const own = new Set([...route.body!.contentTypes, 'application/json']);
    const types = [
      ...CONTENT_TYPES,
      ...s
        .serviceContentTypes(route)
        .filter((t) => !CONTENT_TYPES.some(([c]) => c === t))
        .map((t): [string, (j: string) => string] => [t, (j) => j]),
    ];
    for (const [type, make] of types) {
      if (type !== null && own.has(type)) continue;
      const v = nextVariant();
      push(`content type ${type ?? '(none)'}`, {
        variant: v,
        contentType: type,
        body: make(jsonText(v ? v.example : route.body!.example)),
      });
    }
    for (const v of variants ?? [null]) {
      for (const m of bodyMutations(v ? v.example : route.body!.example, s.mutationBudget)) push(m.label, { variant: v, body: m.body });
      if (v) push('documented example', { variant: v });
    }
  }
  return cases;
}
