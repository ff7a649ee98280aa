/** Small HTTP helpers for the end-to-end tests (what a business line would send). */
export const LOOKUP = '/v1/capabilities/e-licence.query-by-holder/invoke';
export const DEMO_AUTH = `Basic ${Buffer.from('demo-portal:demo-portal-secret').toString('base64')}`;

export interface Answer {
  status: number;
  contentType: string | null;
  body: any;
  ms: number;
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: DEMO_AUTH, 'content-type': 'application/json', ...headers },
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
