import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DEMO_CITIZENS, DEMO_COMPANIES, DEMO_PERSON } from '@gmp/feature-tech';
import { DEMO_AUTH, post, TEST_LEGAL_BASIS } from '../dispatch-client.js';
import {
  type Caller,
  DEMO_LOGINS,
  holdingsOfToken,
  registerApp,
  type SignedIn,
  signIn,
  type Subject,
  subjectsOf,
  WRONG,
} from './callers.js';
import { excerptOf, type Finding, formatFindings, writeReport } from './findings.js';
import { jsonText } from './hostile-cases.js';
import { allows, declaredRule, describeRule, type Route, routesOf } from './openapi-routes.js';
import { asyncOutcome, capabilityExamples, legalBasesOf, openApiOf, type PlatformUnderTest, startPlatform } from './platform-under-test.js';
import { pooled, rawRequest } from './raw-http.js';
import { type HeaderChoice, type ParamFixture, plausibleParts, targetOf } from './requests.js';

/**
 * Who may call what, for every route of every service (from the services' OpenAPI documents at
 * run time) × callers without credentials, with wrong ones, as another business-line app, as a
 * citizen and as a staff member without the route's permission. A caller the route's declared
 * rule does not admit must not get a 2xx; a route not public by design must not answer 2xx
 * without credentials; and no answer may carry data of a subject the caller has no right to.
 */
describe('security: authorisation matrix of every documented route', () => {
  const CONCURRENCY = 8;
  const run = randomBytes(3).toString('hex');
  let p: PlatformUnderTest;
  let routes: Route[] = [];
  let callers: Caller[] = [];
  let subjects: Subject[] = [];
  let fixtures: ParamFixture[] = [];
  let capabilities: { code: string; example: unknown }[] = [];
  let bases: { code: string; capabilities: string[] }[] = [];
  /** A licence of someone other than the demo citizen (the one the requests ask about). */
  let foreignLicenceId = '';

  beforeAll(async () => {
    const started = Date.now();
    p = await startPlatform();
    const other = await registerApp(p.dispatch.url, `e2e-sec-other-${run}`);
    const citizen = await signIn(p.issuer, DEMO_LOGINS.citizen);
    const operator = await signIn(p.issuer, DEMO_LOGINS.operator);
    const admin: SignedIn = await signIn(p.issuer, await DEMO_LOGINS.admin());
    subjects = await subjectsOf(p, { citizen: 'citizen', operator: 'operator' });

    const docs = await Promise.all(p.all.map(async (s) => ({ s, doc: await openApiOf(s) })));
    routes = docs.flatMap(({ s, doc }) => routesOf(s, doc));
    capabilities = await capabilityExamples(p.dispatch.url);
    bases = await legalBasesOf(p.dispatch.url, DEMO_AUTH);

    // Things that belong to someone else, for the routes that take their ids.
    const foreign = DEMO_CITIZENS[1]!;
    const foreignLicences = await post(
      `${p.dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke`,
      { holderType: 'person', holderId: foreign.id },
      { 'x-legal-basis': TEST_LEGAL_BASIS },
    );
    foreignLicenceId = foreignLicences.body.licences[0].licenceId;
    // demo-portal's asynchronous call about 李四: its result is demo-portal's, and 李四's data.
    const asyncCall = await post(
      `${p.dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke-async`,
      { holderType: 'person', holderId: foreign.id },
      { 'x-legal-basis': TEST_LEGAL_BASIS },
    );
    // 张三's own asynchronous lookup through his portal: his data, under the portal's app (which other users of the portal share).
    const ownCall = await post(
      `${p.dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke-async`,
      { holderType: 'person', holderId: DEMO_PERSON.idNumber },
      { authorization: `Bearer ${citizen.token}`, 'x-legal-basis': '' },
    );
    // A file the identity admin uploaded: nobody else's to read.
    const fileName = `e2e-admin-private-${run}.pdf`;
    const uploaded = await fetch(`${p.tech.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/pdf', 'x-file-name': encodeURIComponent(fileName) },
      body: Buffer.from(
        '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      ),
    });
    const file = (await uploaded.json()) as { id?: string };
    subjects.push({ id: 'file of js-id-admin', visibleTo: [], markers: [fileName] });
    const staff = (
      (await (await fetch(`${p.tech.url}/v1/identity/admin/staff`, { headers: { authorization: `Bearer ${admin.token}` } })).json()) as {
        staff: { id: string; username: string }[];
      }
    ).staff;
    const auditorId = staff.find((s) => s.username === 'js-auditor')!.id;

    fixtures = [
      { name: 'code', path: /^\/(internal\/)?v1\/(capabilities|composites)/, values: ['e-licence.query-by-holder'] },
      { name: 'code', path: /legal-bases/, values: [TEST_LEGAL_BASIS] },
      { name: 'status', path: /^\/v1\/capabilities/, values: ['active'] },
      { name: 'appKey', values: ['demo-portal'] },
      { name: 'app', values: ['demo-portal'] },
      { name: 'id', path: /^\/v1\/calls\//, values: [String(asyncCall.body.callId), String(ownCall.body.callId)] },
      { name: 'id', path: /files/, values: [file.id ?? ''] },
      { name: 'id', path: /\/staff\//, values: [auditorId] },
      { name: 'accountId', values: [`staff:${auditorId}`] },
    ];

    callers = [
      { id: 'none', label: 'no credentials', headers: {}, holds: {} },
      { id: 'bad-basic', label: 'wrong Basic secret (demo-portal)', headers: { authorization: WRONG.basic }, holds: {} },
      {
        id: 'bad-internal',
        label: 'wrong internal token',
        headers: { 'x-internal-token': WRONG.internalToken, 'x-caller': 'e2e-security' },
        holds: {},
      },
      { id: 'garbage-bearer', label: 'garbage Bearer token', headers: { authorization: WRONG.bearer }, holds: {} },
      {
        id: 'other-app',
        label: `another app (${other.appKey}, no grants)`,
        headers: { authorization: other.authorization },
        holds: { app: { granted: false } },
      },
      {
        id: 'citizen',
        label: `citizen ${DEMO_PERSON.name}'s user token (portal)`,
        headers: { authorization: `Bearer ${citizen.token}` },
        holds: holdingsOfToken(citizen.principal, true),
      },
      {
        id: 'operator',
        label: `staff token without admin/audit permission (${operator.principal.permissions.join(',')})`,
        headers: { authorization: `Bearer ${operator.token}` },
        holds: holdingsOfToken(operator.principal, true),
      },
    ];
    process.stderr.write(
      `[security/authz] ${routes.length} routes × ${callers.length} callers; set up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }, 240_000);

  afterAll(async () => {
    await p?.close();
  });

  /** The documented example aimed at someone else: 李四 instead of the demo citizen, the other company, one of 李四's licences. */
  const retarget = (value: unknown, key = ''): unknown => {
    if (typeof value === 'string') {
      if (/^licenceId$/i.test(key)) return foreignLicenceId;
      if (value === DEMO_PERSON.idNumber) return DEMO_CITIZENS[1]!.id;
      if (value === DEMO_COMPANIES[0]!.id) return DEMO_COMPANIES[1]!.id;
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => retarget(v, key));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, retarget(v, k)]));
    return value;
  };

  it('admits only the callers each route’s declared rule allows, and gives nobody another subject’s data', async () => {
    const started = Date.now();
    const headerChoice: HeaderChoice = (_route, name, pathValues) => {
      if (name !== 'x-legal-basis' || pathValues['code'] === undefined) return undefined;
      const code = decodeURIComponent(pathValues['code']);
      return bases.find((b) => b.capabilities.includes(code))?.code ?? null;
    };
    interface Probe {
      route: Route;
      caller: Caller;
      label: string;
      target: string;
      headers: [string, string][];
      body?: string;
    }
    const probes: Probe[] = [];
    for (const route of routes) {
      // Dispatch's capability calls: every capability, each with its own example.
      // Dispatch's capability calls: every capability with its own example; a path parameter with several fixtures: each of them.
      const invoke = route.service === p.dispatch.name && /\/\{code\}\/invoke(-async)?$/.test(route.path);
      const multi = route.params
        .filter((x) => x.in === 'path')
        .map((x) => ({
          name: x.name,
          values: fixtures.find((f) => f.name === x.name && (!f.path || f.path.test(route.path)))?.values ?? [],
        }))
        .find((x) => x.values.length > 1);
      const variants: { label: string; path: Record<string, string>; code?: string; example: unknown }[] = invoke
        ? capabilities.map((c) => ({ label: c.code, path: { code: encodeURIComponent(c.code) }, code: c.code, example: c.example }))
        : multi
          ? multi.values.map((value) => ({
              label: `${multi.name}=${value}`,
              path: { [multi.name]: encodeURIComponent(value) },
              example: route.body?.example,
            }))
          : [{ label: '', path: {}, example: route.body?.example }];
      for (const v of variants) {
        const body = route.body ? jsonText(retarget(v.example)) : undefined;
        const optional = new Set(route.params.filter((x) => x.in === 'header' && !x.required).map((x) => x.name));
        for (const caller of callers) {
          // Each caller its own request (fresh idempotency keys and correlation ids).
          const parts = plausibleParts(route, fixtures, headerChoice, v.path);
          const headerSets: [string, [string, string][]][] = [['', parts.headers]];
          // Without the optional who-and-why headers too: some rules only bite when nothing is declared.
          if (parts.headers.some(([h]) => optional.has(h)))
            headerSets.push([' without optional headers', parts.headers.filter(([h]) => !optional.has(h))]);
          for (const [setLabel, headers] of headerSets) {
            probes.push({
              route,
              caller,
              label: `${v.label ? `[${v.label}] ` : ''}${caller.label}${setLabel}`,
              target: targetOf(route, parts.pathValues, parts.query),
              headers: [
                ...Object.entries(caller.headers),
                ...headers,
                ...(body !== undefined ? ([['content-type', 'application/json']] as [string, string][]) : []),
              ],
              ...(body !== undefined ? { body } : {}),
            });
          }
        }
      }
    }

    const findings: Finding[] = [];
    const notes: Finding[] = [];
    const table = new Map<string, string[]>();
    // SECURITY_DUMP=<prefix>: every request's route, caller, case, status and an excerpt in <prefix>-authz.jsonl.
    const dump: string[] | null = process.env['SECURITY_DUMP'] ? [] : null;
    await pooled(probes, CONCURRENCY, async (probe) => {
      const { route, caller } = probe;
      const answer = await rawRequest({
        method: route.method,
        base: route.base,
        target: probe.target,
        headers: probe.headers,
        ...(probe.body !== undefined ? { body: probe.body } : {}),
        timeoutMs: 20_000,
      });
      const rule = declaredRule(route);
      const base = {
        service: route.service,
        method: route.method,
        path: route.path,
        status: answer.status,
        excerpt: excerptOf(answer.body),
      };
      const key = `${route.service} ${route.method} ${route.path}  [${describeRule(rule)}]`;
      table.set(key, [...(table.get(key) ?? []), `${caller.id}:${answer.status}`]);
      if (answer.status >= 200 && answer.status < 300 && !allows(rule, caller.holds)) {
        const kind =
          caller.id === 'none'
            ? '2xx without credentials on a route not public by design'
            : `2xx for a caller the declared rule does not admit (${caller.id})`;
        findings.push({
          ...base,
          kind,
          label: `${probe.label} — rule: ${describeRule(rule)}${!rule.public && rule.declaresAnonymous ? ' (declares anonymous access, but is not in PUBLIC_BY_DESIGN)' : ''}`,
        });
      }
      // An accepted asynchronous call is judged by its result too, fetched as the same caller.
      const answers: { via: string; status: number; body: string }[] = [{ via: '', status: answer.status, body: answer.body }];
      const resultUrl = answer.status === 202 ? /"resultUrl":"(\/[^"]+)"/.exec(answer.body)?.[1] : undefined;
      if (resultUrl)
        answers.push({
          via: ` → GET ${resultUrl}`,
          ...(await asyncOutcome(
            route.base,
            resultUrl,
            probe.headers.filter(([h]) => h !== 'content-type'),
          )),
        });
      dump?.push(
        JSON.stringify({
          route: `${route.service} ${route.method} ${route.path}`,
          caller: caller.id,
          label: probe.label,
          answers: answers.map((a) => `${a.via} ${a.status} ${excerptOf(a.body, 300)}`),
        }),
      );
      if (!rule.public) {
        const sent = `${probe.target}\n${probe.headers.map(([k, v]) => `${k}: ${v}`).join('\n')}\n${probe.body ?? ''}`;
        for (const a of answers) {
          const leaked = subjects
            .filter((s) => !s.visibleTo.includes(caller.id))
            .map((s) => ({
              s,
              found: s.markers.filter((m) => a.body.includes(m) && !sent.includes(m) && !(s.derived?.[m] && sent.includes(s.derived[m]!))),
            }))
            .filter((x) => x.found.length > 0);
          if (leaked.length > 0)
            findings.push({
              ...base,
              status: a.status,
              excerpt: excerptOf(a.body),
              kind: 'answer carries another subject’s data',
              label: `${probe.label}${a.via}: ${leaked.map((l) => `${l.s.id} (${l.found.slice(0, 4).join(', ')})`).join('; ')}`,
            });
        }
      }
      if (answer.status >= 500 || answer.status === 0)
        notes.push({
          ...base,
          kind: answer.status === 0 ? 'no answer' : '5xx',
          label: probe.label,
          excerpt: excerptOf(answer.status === 0 ? (answer.error ?? '') : answer.body),
        });
    });
    if (dump) writeFileSync(`${process.env['SECURITY_DUMP']}-authz.jsonl`, `${dump.join('\n')}\n`);
    process.stderr.write(
      `[security/authz] ${probes.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, ${findings.length} findings\n`,
    );
    const report = formatFindings('authorisation matrix', findings);
    const matrix = [...table].map(([route, cells]) => `${route}\n    ${[...new Set(cells)].join(' ')}`).join('\n');
    const file = writeReport(
      'authorisation-matrix',
      `${report}\n\n${formatFindings('noted (5xx or no answer; the malformed-input suite asserts these)', notes)}\n\nAnswers by route and caller:\n${matrix}`,
    );
    if (findings.length > 0) throw new Error(`${report}\n\n(the full matrix is in ${file})`);
  }, 600_000);
});
