import { createHash, randomBytes } from 'node:crypto';

/** A minimal browser for OAuth flows in tests: a cookie jar and manual redirects. */
export class BrowserSession {
  private readonly cookies = new Map<string, string>();

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ status: number; location: string | null; retryAfter: string | null; text: string }> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = res.headers.get('location');
    return {
      status: res.status,
      location: location ? new URL(location, url).toString() : null,
      retryAfter: res.headers.get('retry-after'),
      text: await res.text(),
    };
  }

  /** Follows redirects until one leaves `origin` (the client's redirect URI) or a page is shown. */
  async follow(url: string, origin: string): Promise<{ url: string; status: number; text: string }> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      if (!current.startsWith(origin)) return { url: current, status: 302, text: '' };
      const r = await this.request(current);
      if (process.env['DEBUG_OAUTH'])
        process.stderr.write(`[oauth] ${r.status} ${current} -> ${r.location} ${r.status >= 400 ? r.text.slice(0, 200) : ''}\n`);
      if (!r.location || r.status < 300 || r.status >= 400) return { url: current, status: r.status, text: r.text };
      current = r.location;
    }
    throw new Error('too many redirects');
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
