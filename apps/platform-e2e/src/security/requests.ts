import { randomBytes, randomUUID } from 'node:crypto';
import { TEST_LEGAL_BASIS } from '../dispatch-client.js';
import type { Route, RouteParam } from './openapi-routes.js';

/**
 * Plausible values for a route's parameters: fixtures first (by parameter name, optionally
 * narrowed to paths matching a pattern), then by name and schema. Values are returned encoded,
 * ready for the request line.
 */
export interface ParamFixture {
  name: string;
  path?: RegExp;
  /** One of these per request, in turn. */
  values: string[];
}

let turn = 0;

export function plausibleParam(route: Route, param: RouteParam, fixtures: ParamFixture[]): string {
  const fixture = fixtures.find((f) => f.name.toLowerCase() === param.name.toLowerCase() && (!f.path || f.path.test(route.path)));
  if (fixture && fixture.values.length > 0) return encodeURIComponent(fixture.values[turn++ % fixture.values.length]!);
  const s = param.schema;
  const n = param.name.toLowerCase();
  if (s.enum?.length) return encodeURIComponent(String(s.enum[0]));
  if (s.example !== undefined && typeof s.example !== 'object') return encodeURIComponent(String(s.example));
  if (s.format === 'uuid' || /(^|[a-z])id$/i.test(param.name)) return randomUUID();
  if (n === 'limit') return '10';
  if (n === 'from') return '2026-01-01';
  if (n === 'to') return '2026-12-31';
  if (n === 'before') return encodeURIComponent(new Date().toISOString());
  if (n === 'status') return 'pending';
  if (n === 'version') return '1';
  if (n === 'code' || n === 'capability') return 'e-licence.verify';
  if (n === 'app' || n === 'appkey') return 'demo-portal';
  if (s.type === 'integer' || s.type === 'number') return '1';
  if (s.type === 'boolean') return 'true';
  return 'e2e';
}

/** Who-and-why and other headers as a well-behaved caller sends them. */
export function plausibleHeader(name: string): string {
  switch (name.toLowerCase()) {
    case 'x-caller':
      return 'e2e-security';
    case 'x-purpose':
      return encodeURIComponent('安全测试 (e2e security suite)');
    case 'x-legal-basis':
      return TEST_LEGAL_BASIS;
    case 'x-end-user':
      return 'e2e-user-1';
    case 'x-case-id':
      return 'E2E-SEC-0001';
    case 'x-correlation-id':
      return `e2e-sec-${randomUUID()}`;
    case 'idempotency-key':
      return `e2e-sec-${randomBytes(8).toString('hex')}`;
    case 'x-capability-version':
      return '1';
    case 'x-file-name':
      return encodeURIComponent('材料.pdf');
    default:
      return 'e2e';
  }
}

/** Headers the caller's credentials already cover, not filled in as ordinary parameters. */
export const CREDENTIAL_HEADERS = new Set(['authorization', 'x-internal-token']);

export function targetOf(route: Route, pathValues: Record<string, string>, query: string[]): string {
  const path = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => pathValues[name] ?? 'e2e');
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

/**
 * A header value that depends on the rest of the request (e.g. the legal basis that opens the
 * capability named in the path): a string, `null` to send none, `undefined` for the default.
 */
export type HeaderChoice = (route: Route, name: string, pathValues: Record<string, string>) => string | null | undefined;

/** The plausible request of a route: every path, query and header parameter filled in. */
export function plausibleParts(
  route: Route,
  fixtures: ParamFixture[],
  choose: HeaderChoice = () => undefined,
  pathOverrides: Record<string, string> = {},
) {
  const pathValues: Record<string, string> = {};
  for (const p of route.params.filter((p) => p.in === 'path'))
    pathValues[p.name] = pathOverrides[p.name] ?? plausibleParam(route, p, fixtures);
  const query = route.params
    .filter((p) => p.in === 'query')
    .map((p) => `${encodeURIComponent(p.name)}=${plausibleParam(route, p, fixtures)}`);
  const headers: [string, string][] = [];
  for (const p of route.params.filter((p) => p.in === 'header' && !CREDENTIAL_HEADERS.has(p.name))) {
    const chosen = choose(route, p.name, pathValues);
    if (chosen !== null) headers.push([p.name, chosen ?? plausibleHeader(p.name)]);
  }
  return { pathValues, query, headers };
}
