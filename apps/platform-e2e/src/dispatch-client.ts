import { TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { demoBasesFor } from '@gmp/feature-dispatch';
/** Small HTTP helpers for the end-to-end tests (what a business line would send). */
export const LOOKUP = '/v1/capabilities/e-licence.query-by-holder/invoke';
export const DEMO_AUTH = `Basic ${Buffer.from('demo-portal:demo-portal-secret').toString('base64')}`;

export interface Answer {
  status: number;
  contentType: string | null;
  body: any;
  ms: number;
}

/**
 * Licence lookups need the holder's authorisation or a legal basis granted to the app: the tests
 * declare the demo basis `demo.gov-data-sharing` (SEED_DEMO grants it to the demo apps for the
 * capabilities it opens) where they read another person's data — `WITH_BASIS` — and nothing
 * otherwise.
 */
export const TEST_LEGAL_BASIS = 'demo.gov-data-sharing';
export const WITH_BASIS = { 'x-legal-basis': TEST_LEGAL_BASIS } as const;

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  // Licence lookups read another person's data: they declare the test basis unless the test says otherwise ('x-legal-basis': '').
  const basis = new URL(url).pathname.startsWith(LOOKUP.replace(/\/invoke$/, '/')) ? WITH_BASIS : {};
  const all: Record<string, string> = { authorization: DEMO_AUTH, 'content-type': 'application/json', ...basis, ...headers };
  for (const [k, v] of Object.entries(all)) if (v === '') delete all[k];
  const res = await fetch(url, {
    method: 'POST',
    headers: all,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body: parsed, ms: performance.now() - started };
}

/** Headers of an internal-network call (operators, owners): the internal token, no app credentials. */
export const INTERNAL = { 'x-internal-token': TEST_INTERNAL_API_TOKEN, authorization: '' };

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<Answer & { headers: Headers }> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    headers: res.headers,
    body: await res.json().catch(() => null),
    ms: performance.now() - started,
  };
}

/** PUT with the internal token (operators' endpoints). */
export async function putJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-internal-token': TEST_INTERNAL_API_TOKEN, ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: await res.json().catch(() => null),
    ms: performance.now() - started,
  };
}

/**
 * What a business line does to start: registered by an operator, subscribed to a capability,
 * approved by its owner. Returns the app's Basic header, its secrets and the grant.
 */
export async function registerGrantedApp(
  dispatchUrl: string,
  appKey: string,
  capabilities: string | string[],
  o: { signatureScheme?: string; legalBases?: string[] } = {},
) {
  const registered = await post(
    `${dispatchUrl}/internal/v1/apps`,
    { appKey, name: `测试应用 ${appKey}`, ownerDepartment: '测试', ...(o.signatureScheme ? { signatureScheme: o.signatureScheme } : {}) },
    INTERNAL,
  );
  if (registered.status !== 201) throw new Error(`app not registered: ${JSON.stringify(registered.body)}`);
  const auth = { authorization: `Basic ${Buffer.from(`${appKey}:${registered.body.appSecret}`).toString('base64')}` };
  let grantId = '';
  for (const capability of typeof capabilities === 'string' ? [capabilities] : capabilities) {
    const legalBases = o.legalBases ?? demoBasesFor(capability);
    const asked = await post(
      `${dispatchUrl}/v1/subscriptions`,
      { capability, purpose: '测试用途', ...(legalBases.length ? { legalBases } : {}) },
      auth,
    );
    const decided = await post(
      `${dispatchUrl}/internal/v1/subscriptions/${asked.body.id}/decision`,
      { decision: 'approve' },
      { ...INTERNAL, 'x-caller': 'e2e-owner' },
    );
    if (decided.status !== 200) throw new Error(`grant not approved: ${JSON.stringify(decided.body)}`);
    grantId ||= asked.body.id as string;
  }
  /** grantId: the first capability's grant. */
  return {
    appKey,
    auth,
    appSecret: registered.body.appSecret as string,
    hmacSecret: registered.body.hmacSecret as string | undefined,
    grantId,
  };
}
