import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DEMO_PERSON } from '@gmp/feature-tech';
import { TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { DEMO_AUTH, LOOKUP, post } from '../dispatch-client.js';
import { DEMO_LOGINS, registerApp, type SignedIn, signIn } from './callers.js';
import { casesOf, type CaseSettings, type HostileCase } from './hostile-cases.js';
import { excerptOf, type Finding, formatFindings, writeReport } from './findings.js';
import { declaredRule, type Route, routesOf } from './openapi-routes.js';
import { asyncOutcome, capabilityExamples, legalBasesOf, openApiOf, type PlatformUnderTest, startPlatform } from './platform-under-test.js';
import { pooled, rawRequest } from './raw-http.js';
import { type HeaderChoice, type ParamFixture, plausibleParts, targetOf } from './requests.js';

/**
 * Malformed input on every route of every service, generated from the services' OpenAPI
 * documents at run time: invalid and hostile JSON, control characters and lone surrogates in
 * every declared header, query parameter, path parameter and body field, oversized values,
 * wrong types and wrong content types — sent with valid credentials, so that they reach the
 * handlers. No answer may be a 5xx (or no answer at all); afterwards every service is ready,
 * no circuit breaker of dispatch is open and ordinary calls still work.
 */
describe('security: malformed input on every documented route', () => {
  const CONCURRENCY = 8;
  /**
   * Cap on the body-field mutations of one route (or of one capability on dispatch's invoke
   * routes). Today's documents need fewer (every field gets every hostile value: ~7,000 requests,
   * under a minute on 2 cores); past the cap each field gets every k-th value, in turn.
   */
  const MUTATION_BUDGET = 400;
  const run = randomBytes(3).toString('hex');
  let p: PlatformUnderTest;
  let routes: Route[] = [];
  let cases: HostileCase[] = [];
  const tokens: Record<string, SignedIn> = {};
  const findings: Finding[] = [];
  /** Circuit states seen while the requests ran (sampled from /metrics). */
  const breakerSightings = new Map<string, string>();
  /** Answers by route and status: shows which requests reached the handlers (the run's coverage). */
  const statuses = new Map<string, Map<number, number>>();

  const metrics = async () =>
    (await fetch(`${p.dispatch.url}/metrics`, { headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN } })).text();
  /** The circuits dispatch reports; a /metrics without the series at all is an error, not "no circuit open". */
  const circuitStates = (text: string) => {
    if (!/^# TYPE gmp_dispatch_circuit_state gauge$/m.test(text))
      throw new Error(`/metrics has no gmp_dispatch_circuit_state: ${text.slice(0, 300)}`);
    return [...text.matchAll(/^gmp_dispatch_circuit_state\{provider="([^"]+)"[^}]*\} (\d+)/gm)].map((m) => ({
      provider: m[1]!,
      state: Number(m[2]),
    }));
  };

  beforeAll(async () => {
    const started = Date.now();
    p = await startPlatform();
    const target = await registerApp(p.dispatch.url, `e2e-sec-target-${run}`);
    tokens['admin'] = await signIn(p.issuer, await DEMO_LOGINS.admin());
    tokens['auditor'] = await signIn(p.issuer, await DEMO_LOGINS.auditor());
    tokens['citizen'] = await signIn(p.issuer, DEMO_LOGINS.citizen);
    tokens['operator'] = await signIn(p.issuer, DEMO_LOGINS.operator);

    const docs = await Promise.all(p.all.map(async (s) => ({ s, doc: await openApiOf(s) })));
    routes = docs.flatMap(({ s, doc }) => routesOf(s, doc));
    const contentTypesByService = new Map<string, string[]>();
    for (const r of routes)
      contentTypesByService.set(r.service, [
        ...new Set([...(contentTypesByService.get(r.service) ?? []), ...(r.body?.contentTypes ?? [])]),
      ]);

    // The capabilities dispatch publishes, each with its documented example (or one built from its input schema).
    const capabilities = await capabilityExamples(p.dispatch.url);
    // Legal bases granted to the demo app, by capability: a call declares one that opens its capability, or none.
    const bases = await legalBasesOf(p.dispatch.url, DEMO_AUTH);
    // A legal basis of this run for the operators' routes that change or retire one (never the demo bases the last checks use).
    const register = routes.find((r) => r.service === p.dispatch.name && r.method === 'POST' && r.path === '/internal/v1/legal-bases');
    const ownBasis = `e2e.sec-${run}`;
    if (register?.body) {
      const made = await post(
        `${p.dispatch.url}/internal/v1/legal-bases`,
        { ...(register.body.example as object), code: ownBasis },
        { authorization: '', 'x-internal-token': TEST_INTERNAL_API_TOKEN, 'x-caller': 'e2e-security' },
      );
      if (made.status >= 300) throw new Error(`legal basis not registered: ${made.status} ${JSON.stringify(made.body)}`);
    }
    const asyncCall = await post(`${p.dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke-async`, {
      holderType: 'person',
      holderId: DEMO_PERSON.idNumber,
    });

    const fixtures: ParamFixture[] = [
      // Operators' changes go to an app of this run, never to the demo app the final checks use.
      { name: 'appKey', values: [target.appKey] },
      { name: 'app', values: ['demo-portal'] },
      { name: 'code', path: /^\/(internal\/)?v1\/(capabilities|composites)/, values: capabilities.map((c) => c.code) },
      { name: 'capability', values: ['e-licence.verify'] },
      { name: 'status', path: /^\/v1\/capabilities/, values: ['active'] },
      { name: 'id', path: /^\/v1\/calls\//, values: [String(asyncCall.body.callId)] },
      { name: 'code', path: /legal-bases/, values: [ownBasis] },
    ];
    const headerChoice: HeaderChoice = (_route, name, pathValues) => {
      if (name !== 'x-legal-basis' || pathValues['code'] === undefined) return undefined;
      let code = '';
      try {
        code = decodeURIComponent(pathValues['code']);
      } catch {
        return null;
      }
      return bases.find((b) => b.capabilities.includes(code))?.code ?? null;
    };

    // Bearer routes: the first signed-in token the route accepts (an admin's for admin routes, an auditor's for audit, …).
    const bearerOf = new Map<Route, string>();
    for (const r of routes) {
      const rule = declaredRule(r);
      if (rule.public || !rule.alternatives.some((a) => a.kind === 'bearer')) continue;
      const parts = plausibleParts(r, fixtures, headerChoice);
      let chosen = tokens['admin']!.token;
      for (const t of ['admin', 'auditor', 'citizen', 'operator']) {
        const answer = await rawRequest({
          method: r.method,
          base: r.base,
          target: targetOf(r, parts.pathValues, parts.query),
          headers: [
            ['authorization', `Bearer ${tokens[t]!.token}`],
            ...parts.headers,
            ...(r.body ? ([['content-type', 'application/json']] as [string, string][]) : []),
          ],
          ...(r.body ? { body: JSON.stringify(r.body.example) } : {}),
        });
        if (answer.status !== 401 && answer.status !== 403) {
          chosen = tokens[t]!.token;
          break;
        }
      }
      bearerOf.set(r, chosen);
    }

    const settings: CaseSettings = {
      fixtures,
      headerChoice,
      mutationBudget: MUTATION_BUDGET,
      credentials: (r) => {
        const rule = declaredRule(r);
        if (rule.public) return [];
        const kinds = rule.alternatives.map((a) => a.kind);
        if (kinds.includes('internal'))
          return [
            ['x-internal-token', TEST_INTERNAL_API_TOKEN],
            ['x-caller', 'e2e-security'],
          ];
        if (kinds.includes('app')) return [['authorization', DEMO_AUTH]];
        if (kinds.includes('bearer')) return [['authorization', `Bearer ${bearerOf.get(r)}`]];
        return [
          ['authorization', DEMO_AUTH],
          ['x-internal-token', TEST_INTERNAL_API_TOKEN],
        ];
      },
      // Dispatch's invoke routes take each capability's own input: its documented example is the body to mutate.
      bodyVariants: (r) =>
        r.service === p.dispatch.name && /\/\{code\}\/invoke(-async)?$/.test(r.path)
          ? capabilities.map((c) => ({ label: c.code, pathValues: { code: encodeURIComponent(c.code) }, example: c.example }))
          : null,
      serviceContentTypes: (r) => contentTypesByService.get(r.service) ?? [],
    };
    cases = routes.flatMap((r) => casesOf(r, settings));
    process.stderr.write(
      `[security/malformed] ${routes.length} routes on ${p.all.length} services, ${cases.length} requests; set up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }, 240_000);

  afterAll(async () => {
    await p?.close();
  });

  it('answers every hostile request without a 5xx (or no answer at all)', async () => {
    const started = Date.now();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        // A scrape that fails under the load is skipped; one that answers must carry the circuits.
        const text = await metrics().catch(() => null);
        for (const c of text === null ? [] : circuitStates(text))
          if (c.state !== 0) breakerSightings.set(c.provider, c.state === 2 ? 'open' : 'half-open');
        await new Promise((r) => setTimeout(r, 1_000));
      }
    })();
    let done = 0;
    // SECURITY_DUMP=<prefix>: every request's route, case, status and problem code as JSON lines in <prefix>-malformed.jsonl (to see what reached the handlers).
    const dump: string[] | null = process.env['SECURITY_DUMP'] ? [] : null;
    await pooled(cases, CONCURRENCY, async (c) => {
      const answer = await rawRequest({
        method: c.route.method,
        base: c.route.base,
        target: c.target,
        headers: c.headers,
        ...(c.body !== undefined ? { body: c.body } : {}),
        timeoutMs: 20_000,
      });
      if (dump)
        dump.push(
          JSON.stringify({
            route: `${c.route.service} ${c.route.method} ${c.route.path}`,
            label: c.label,
            status: answer.status,
            code: /"code":"([^"]+)"/.exec(answer.body)?.[1] ?? null,
            ms: Math.round(answer.ms),
          }),
        );
      const byStatus = statuses.get(`${c.route.service} ${c.route.method} ${c.route.path}`) ?? new Map<number, number>();
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      statuses.set(`${c.route.service} ${c.route.method} ${c.route.path}`, byStatus);
      if (answer.status >= 500 || answer.status === 0) {
        findings.push({
          kind: answer.status === 0 ? 'no answer' : '5xx',
          service: c.route.service,
          method: c.route.method,
          path: c.route.path,
          label: c.label,
          status: answer.status,
          excerpt: excerptOf(answer.status === 0 ? `${answer.error ?? ''} ${answer.body}` : answer.body),
        });
      }
      // An accepted asynchronous call answers later: its outcome must not be a 5xx either.
      const resultUrl = answer.status === 202 ? /"resultUrl":"(\/[^"]+)"/.exec(answer.body)?.[1] : undefined;
      if (resultUrl) {
        const outcome = await asyncOutcome(
          c.route.base,
          resultUrl,
          c.headers.filter(([h]) => h.toLowerCase() === 'authorization') as [string, string][],
        );
        const problemStatus = Number(/"problem":\{[^]*?"status":(\d{3})/.exec(outcome.body)?.[1] ?? 0);
        if (outcome.status >= 500 || outcome.status === 0 || problemStatus >= 500 || /"status":"(accepted|running)"/.test(outcome.body)) {
          findings.push({
            kind: 'asynchronous call ended in a 5xx (or never ended)',
            service: c.route.service,
            method: c.route.method,
            path: c.route.path,
            label: `${c.label} → GET ${resultUrl}`,
            status: problemStatus || outcome.status,
            excerpt: excerptOf(outcome.body),
          });
        }
      }
      if (++done % 1000 === 0)
        process.stderr.write(`[security/malformed] ${done}/${cases.length} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    });
    sampling = false;
    await sampler;
    if (dump) writeFileSync(`${process.env['SECURITY_DUMP']}-malformed.jsonl`, `${dump.join('\n')}\n`);
    process.stderr.write(
      `[security/malformed] ${cases.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, ${findings.length} offending answers\n`,
    );
    const report = formatFindings('malformed input: answers that are 5xx or missing', findings);
    const coverage = [...statuses].map(
      ([route, byStatus]) =>
        `${route}: ${[...byStatus]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}×${n}`)
          .join(' ')}`,
    );
    const file = writeReport('malformed-input', `${report}\n\nAnswers by route (status×count):\n${coverage.join('\n')}`);
    if (findings.length > 0) throw new Error(`${report}\n\n(also written to ${file})`);
  }, 900_000);

  it('leaves every service ready', async () => {
    const problems: string[] = [];
    for (const s of p.all) {
      const res = await fetch(`${s.url}/health/ready`).catch((e: unknown) => e as Error);
      if (res instanceof Error) problems.push(`${s.name}: ${res.message}`);
      else {
        const body = await res.text();
        if (res.status !== 200 || (JSON.parse(body) as { status?: string }).status !== 'ok')
          problems.push(`${s.name}: ${res.status} ${excerptOf(body)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('leaves no circuit breaker of dispatch open (and none opened while the requests ran)', async () => {
    const now = circuitStates(await metrics());
    expect(now.length).toBeGreaterThan(0); // the breakers are exposed: the calls above created some
    const problems = [
      ...now.filter((c) => c.state !== 0).map((c) => `${c.provider}: ${c.state === 2 ? 'open' : 'half-open'} now`),
      ...[...breakerSightings].map(([provider, state]) => `${provider}: ${state} during the run`),
    ];
    expect(problems).toEqual([]);
  });

  it('still answers ordinary calls: a real-name check and a licence lookup through dispatch', async () => {
    const verify = await post(`${p.dispatch.url}/v1/capabilities/identity.verify-real-name/invoke`, {
      name: DEMO_PERSON.name,
      idNumber: DEMO_PERSON.idNumber,
    });
    expect({ status: verify.status, body: verify.body }).toMatchObject({ status: 200, body: { match: true } });
    const lookup = await post(`${p.dispatch.url}${LOOKUP}`, { holderType: 'person', holderId: DEMO_PERSON.idNumber });
    expect({ status: lookup.status, count: lookup.body?.licences?.length }).toEqual({ status: 200, count: 3 });
  });
});
