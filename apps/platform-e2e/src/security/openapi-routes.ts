/**
 * Routes, their inputs and their declared access rule, read from a service's OpenAPI document
 * at run time (`<service>/docs/openapi.json`): a route added to a service is covered by the
 * security suites without editing them.
 */

export interface OpenApiSchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  example?: unknown;
  examples?: unknown[] | Record<string, { value?: unknown }>;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  allOf?: OpenApiSchema[];
  minimum?: number;
  minLength?: number;
  maxLength?: number;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: OpenApiSchema;
  example?: unknown;
  $ref?: string;
}

interface MediaType {
  schema?: OpenApiSchema;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface SecurityScheme {
  type: 'http' | 'apiKey' | 'oauth2' | 'openIdConnect' | 'mutualTLS';
  scheme?: string;
  name?: string;
  in?: string;
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { $ref?: string; required?: boolean; content?: Record<string, MediaType> };
  security?: SecurityRequirement[];
}

export interface OpenApiDocument {
  openapi?: string;
  paths: Record<string, Record<string, OpenApiOperation | OpenApiParameter[] | undefined> & { parameters?: OpenApiParameter[] }>;
  components?: {
    schemas?: Record<string, OpenApiSchema>;
    securitySchemes?: Record<string, SecurityScheme>;
    parameters?: Record<string, OpenApiParameter>;
    requestBodies?: Record<string, OpenApiOperation['requestBody']>;
  };
  security?: SecurityRequirement[];
}

export interface RouteParam {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: OpenApiSchema;
}

export interface Route {
  service: string;
  base: string;
  method: string;
  /** Path template as documented, e.g. /v1/calls/{id}. */
  path: string;
  params: RouteParam[];
  /** The documented request body; `declared: false` when the operation documents none (then `{}` stands in). */
  body: { declared: boolean; contentTypes: string[]; example: unknown } | null;
  /** The operation's security requirements (or the document's), undefined when none are declared. */
  security: SecurityRequirement[] | undefined;
  schemes: Record<string, SecurityScheme>;
  summary: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every path × method of a service's document. */
export function routesOf(service: { name: string; url: string }, doc: OpenApiDocument): Route[] {
  const routes: Route[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const shared = (item.parameters ?? []).map((p) => deref(doc, p) as OpenApiParameter);
    for (const method of METHODS) {
      const op = item[method] as OpenApiOperation | undefined;
      if (!op) continue;
      const byKey = new Map<string, RouteParam>();
      for (const raw of [...shared, ...(op.parameters ?? [])]) {
        const p = deref(doc, raw) as OpenApiParameter;
        if (p.in === 'cookie') continue;
        // Header names are case-insensitive: Nest documents `x-caller` and `X-Caller` separately.
        const key = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
        const prior = byKey.get(key);
        byKey.set(key, {
          name: p.in === 'header' ? p.name.toLowerCase() : p.name,
          in: p.in,
          required: Boolean(p.required) || Boolean(prior?.required),
          schema: p.schema ?? prior?.schema ?? {},
        });
      }
      const M = method.toUpperCase();
      const requestBody = op.requestBody ? (deref(doc, op.requestBody) as OpenApiOperation['requestBody']) : undefined;
      let body: Route['body'] = null;
      if (requestBody?.content && Object.keys(requestBody.content).length > 0) {
        const types = Object.keys(requestBody.content);
        const json = requestBody.content['application/json'] ?? requestBody.content[types[0]!]!;
        body = { declared: true, contentTypes: types, example: exampleOfMedia(doc, json) };
      } else if (BODY_METHODS.has(M) && M !== 'DELETE') {
        body = { declared: false, contentTypes: ['application/json'], example: {} };
      }
      routes.push({
        service: service.name,
        base: service.url,
        method: M,
        path,
        params: [...byKey.values()],
        body,
        security: op.security ?? doc.security,
        schemes: doc.components?.securitySchemes ?? {},
        summary: op.summary ?? '',
      });
    }
  }
  return routes;
}

function deref(doc: OpenApiDocument, value: unknown): unknown {
  let v = value as { $ref?: string } | undefined;
  for (let hops = 0; v && typeof v === 'object' && typeof v.$ref === 'string' && hops < 20; hops++) {
    const parts = v.$ref.replace(/^#\//, '').split('/');
    let target: unknown = doc;
    for (const part of parts) target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    v = target as { $ref?: string } | undefined;
  }
  return v;
}

function exampleOfMedia(doc: OpenApiDocument, media: MediaType): unknown {
  if (media.example !== undefined) return media.example;
  const first = media.examples ? Object.values(media.examples)[0] : undefined;
  if (first?.value !== undefined) return first.value;
  return media.schema ? synthesise(doc, media.schema) : {};
}

/** An example value for a schema: its own example, else one built from its type, format and property names. */
export function synthesise(doc: OpenApiDocument | null, schema: OpenApiSchema, name = '', depth = 0): unknown {
  const s = (doc ? deref(doc, schema) : schema) as OpenApiSchema | undefined;
  if (!s || depth > 8) return null;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  const alternative = s.oneOf?.[0] ?? s.anyOf?.[0];
  if (alternative) return synthesise(doc, alternative, name, depth + 1);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((part) => synthesise(doc, part, name, depth + 1) as object));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || (!type && s.properties)) {
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, synthesise(doc, v, k, depth + 1)]));
  }
  if (type === 'array') return s.items ? [synthesise(doc, s.items, name, depth + 1)] : [];
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'boolean') return true;
  if (type === 'string' || !type) return plausibleString(name, s);
  return null;
}

/** Demo values a real caller would send, by field name (the demo data of SEED_DEMO). */
const BY_NAME: [RegExp, string][] = [
  [/^idnumber$|^holderid$|^agentidnumber$/i, '11010519491231002X'],
  [/creditcode/i, '91320100MA1XK2Q84P'],
  [/^name$/i, '张三'],
  [/phone|^to$/i, '13800138000'],
  [/email/i, 'e2e@example.gov.cn'],
  [/url$/i, 'https://gov-app.example.gov.cn/callback'],
  [/^code$/i, 'e-licence.verify'],
  [/version/i, '1'],
];

function plausibleString(name: string, s: OpenApiSchema): string {
  switch (s.format) {
    case 'uuid':
      return '0b5f3c1e-4b7d-4e8a-9c2f-1a6d3e5b7c90';
    case 'date-time':
      return '2026-12-31T23:59:59Z';
    case 'date':
      return '2026-12-31';
    case 'email':
      return 'e2e@example.gov.cn';
    case 'uri':
    case 'url':
      return 'https://gov-app.example.gov.cn/callback';
  }
  for (const [re, value] of BY_NAME) if (re.test(name)) return value;
  return 'e2e';
}

// ---------------------------------------------------------------------------------------------
// The declared access rule of a route.
// ---------------------------------------------------------------------------------------------

/**
 * Routes public by design: nothing is asserted about who may call them. Keep this list short
 * and say why each entry is here; a route that is not in it and answers 2xx to a caller without
 * credentials is a failure of the authorisation matrix.
 */
export const PUBLIC_BY_DESIGN: { service?: string; methods?: string[]; pattern: RegExp; why: string }[] = [
  // Every service: the root index (if a service serves one) and its API documentation.
  { methods: ['GET', 'HEAD'], pattern: /^\/$/, why: 'root index' },
  {
    methods: ['GET', 'HEAD'],
    pattern: /^\/docs(\/.*)?$/,
    why: 'API documentation and the OpenAPI document (docs/architecture.md §Services, step 5)',
  },
  // Every service: liveness and readiness for orchestrators and load balancers.
  { methods: ['GET', 'HEAD'], pattern: /^\/health\/(live|ready)$/, why: 'health checks (docs/operations.md)' },
  // tech-capabilities: the OpenID provider's discovery document and public keys; the login pages.
  {
    service: 'tech-capabilities',
    methods: ['GET', 'HEAD'],
    pattern: /^\/oidc\/\.well-known\/openid-configuration$/,
    why: 'OIDC discovery (docs/identity.md)',
  },
  {
    service: 'tech-capabilities',
    methods: ['GET', 'HEAD'],
    pattern: /^\/oidc\/jwks$/,
    why: 'JWKS: public signing keys (docs/identity.md)',
  },
  {
    service: 'tech-capabilities',
    pattern: /^\/interaction\/\{?[^/]+\}?(\/(login|sms-code))?$/,
    why: 'login pages: they are where credentials are given (docs/identity.md)',
  },
  // Published CA / seal certificates (none served yet; the pattern keeps them public when they are).
  { methods: ['GET', 'HEAD'], pattern: /^\/(\.well-known\/)?(ca|pki|certs?)(\/.*)?$/, why: 'published CA certificates' },
  // service-dispatch: capability discovery works without credentials (public capabilities only).
  {
    service: 'service-dispatch',
    methods: ['GET', 'HEAD'],
    pattern: /^\/v1\/capabilities(\/\{[^/}]+\})?$/,
    why: 'capability discovery (docs/dispatch.md §0)',
  },
];

/**
 * Fallback until the OpenAPI documents carry the permission behind a bearer requirement as its
 * scopes: the permission a staff token needs, by path (docs/identity.md, "Administration and audit APIs").
 */
export const PERMISSION_BY_PATH: { pattern: RegExp; needs: string[] }[] = [
  { pattern: /^\/v1\/identity\/admin\//, needs: ['identity:admin'] },
  { pattern: /^\/v1\/identity\/audit\//, needs: ['audit:read'] },
];

/**
 * Routes that, beyond an app's credentials, need the app's approved grant for the capability
 * (docs/dispatch.md §2: "A call without an approved grant is refused with 403 GRANT_REQUIRED").
 */
export const GRANT_GATED: { service: string; method: string; pattern: RegExp }[] = [
  { service: 'service-dispatch', method: 'POST', pattern: /^\/v1\/capabilities\/\{[^/}]+\}\/invoke(-async)?$/ },
];

export type Alternative =
  { kind: 'internal' } | { kind: 'app'; grantGated: boolean } | { kind: 'bearer'; needs: string[] } | { kind: 'some-credential' };

export type Rule =
  { public: true; why: string } | { public: false; alternatives: Alternative[]; source: string; declaresAnonymous: boolean };

export function publicEntryOf(route: Pick<Route, 'service' | 'method' | 'path'>) {
  return PUBLIC_BY_DESIGN.find(
    (p) => (!p.service || p.service === route.service) && (!p.methods || p.methods.includes(route.method)) && p.pattern.test(route.path),
  );
}

/**
 * What the route itself says about who may call it: its OpenAPI security requirements (each
 * requirement an alternative), or — until every route declares them — a required
 * X-Internal-Token header parameter, or its path prefix (/internal/** needs the internal token,
 * dispatch's /v1/** app credentials). A route with none of these needs some credential.
 */
export function declaredRule(route: Route): Rule {
  const pub = publicEntryOf(route);
  if (pub) return { public: true, why: pub.why };
  const needsByPath = PERMISSION_BY_PATH.filter((p) => p.pattern.test(route.path)).flatMap((p) => p.needs);
  const grantGated = GRANT_GATED.some((g) => g.service === route.service && g.method === route.method && g.pattern.test(route.path));
  const requirements = route.security ?? [];
  const declaresAnonymous = requirements.some((r) => Object.keys(r).length === 0);
  const declared = requirements.filter((r) => Object.keys(r).length > 0);
  if (declared.length > 0) {
    const alternatives = declared.map((requirement): Alternative => {
      // Several schemes in one requirement must all be met: the strictest one decides here.
      const kinds = Object.entries(requirement).map(([name, scopes]) =>
        kindOfScheme(name, route.schemes[name], scopes, needsByPath, grantGated, route),
      );
      return kinds.find((k) => k.kind === 'internal') ?? kinds.find((k) => k.kind === 'bearer') ?? kinds[0]!;
    });
    return { public: false, alternatives, source: `OpenAPI security ${JSON.stringify(declared)}`, declaresAnonymous };
  }
  if (route.params.some((p) => p.in === 'header' && p.name === 'x-internal-token' && p.required)) {
    return { public: false, alternatives: [{ kind: 'internal' }], source: 'required X-Internal-Token header parameter', declaresAnonymous };
  }
  if (route.path.startsWith('/internal/'))
    return { public: false, alternatives: [{ kind: 'internal' }], source: 'path prefix /internal/', declaresAnonymous };
  if (route.service === 'service-dispatch' && route.path.startsWith('/v1/'))
    return {
      public: false,
      alternatives: [{ kind: 'app', grantGated }],
      source: 'path prefix /v1/ of service-dispatch',
      declaresAnonymous,
    };
  if (needsByPath.length > 0)
    return { public: false, alternatives: [{ kind: 'bearer', needs: needsByPath }], source: 'PERMISSION_BY_PATH', declaresAnonymous };
  return {
    public: false,
    alternatives: [{ kind: 'some-credential' }],
    source: 'no declared rule: not public, so some credential',
    declaresAnonymous,
  };
}

function kindOfScheme(
  name: string,
  scheme: SecurityScheme | undefined,
  scopes: string[],
  needsByPath: string[],
  grantGated: boolean,
  route: Route,
): Alternative {
  // A scheme the document references without defining it is judged by its name.
  const type =
    scheme?.type ??
    (/bearer|jwt|oauth|oidc|token/i.test(name)
      ? 'http-bearer'
      : /internal/i.test(name)
        ? 'apiKey'
        : /basic|app/i.test(name)
          ? 'http-basic'
          : 'unknown');
  if (type === 'apiKey' && (!scheme || scheme.name?.toLowerCase() === 'x-internal-token')) return { kind: 'internal' };
  if ((type === 'http' && scheme?.scheme?.toLowerCase() === 'basic') || type === 'http-basic') return { kind: 'app', grantGated };
  if (
    (type === 'http' && scheme?.scheme?.toLowerCase() === 'bearer') ||
    type === 'http-bearer' ||
    type === 'oauth2' ||
    type === 'openIdConnect'
  ) {
    // Dispatch's app routes take an app's (or a portal's) OAuth token as app credentials.
    if (route.service === 'service-dispatch' && route.path.startsWith('/v1/') && scopes.length === 0 && needsByPath.length === 0)
      return { kind: 'app', grantGated };
    return { kind: 'bearer', needs: [...new Set([...scopes, ...needsByPath])] };
  }
  if (type === 'apiKey') return { kind: 'some-credential' };
  return { kind: 'some-credential' };
}

/** What a caller holds. */
export interface Holdings {
  internal?: boolean;
  /** Valid app credentials (Basic, signature, or an OAuth token with capabilities:invoke), and whether the app holds grants. */
  app?: { granted: boolean };
  /** A valid user or client token with these scopes and staff permissions. */
  bearer?: { scopes: string[]; permissions: string[] };
}

export function allows(rule: Rule, holds: Holdings): boolean {
  if (rule.public) return true;
  return rule.alternatives.some((alt) => {
    switch (alt.kind) {
      case 'internal':
        return Boolean(holds.internal);
      case 'app':
        return Boolean(holds.app) && (!alt.grantGated || holds.app!.granted);
      case 'bearer': {
        if (!holds.bearer) return false;
        const has = new Set([...holds.bearer.scopes, ...holds.bearer.permissions]);
        return alt.needs.every((n) => has.has(n));
      }
      case 'some-credential':
        return Boolean(holds.internal || holds.app || holds.bearer);
    }
  });
}

export function describeRule(rule: Rule): string {
  if (rule.public) return `public (${rule.why})`;
  const alt = rule.alternatives
    .map((a) => (a.kind === 'bearer' ? `bearer[${a.needs.join(',')}]` : a.kind === 'app' ? `app${a.grantGated ? '+grant' : ''}` : a.kind))
    .join(' | ');
  return `${alt} — from ${rule.source}`;
}
