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
 * Licence lookups need the holder's authorisation or a declared legal basis: the tests declare
 * one unless they are about its absence (pass `'x-legal-basis': ''` to send none).
 */
export const TEST_LEGAL_BASIS = encodeURIComponent('《政务数据共享条例》测试依据 (e2e test basis)');

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const all: Record<string, string> = { authorization: DEMO_AUTH, 'content-type': 'application/json', 'x-legal-basis': TEST_LEGAL_BASIS, ...headers };
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
