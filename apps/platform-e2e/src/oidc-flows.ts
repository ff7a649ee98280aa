import { AccessTokenVerifier, PLATFORM_API_AUDIENCE, type Principal } from '@gmp/identity';
import { DEMO_PORTALS } from '@gmp/feature-tech';
import { BrowserSession, pkcePair } from './browser-session.js';

type Portal = (typeof DEMO_PORTALS)[number];

/** Authorization code + PKCE against the platform's provider, as a portal and a browser would do it. */
export class OidcFlows {
  constructor(readonly issuer: string) {}

  get origin(): string {
    return new URL(this.issuer).origin;
  }

  authorize(browser: BrowserSession, portal: Portal, challenge: string, extra: Record<string, string> = {}) {
    return browser.follow(
      `${this.issuer}/auth?${new URLSearchParams({ client_id: portal.id, response_type: 'code', scope: 'openid profile licence:read', redirect_uri: portal.redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 'st-1', ...extra })}`,
      this.origin,
    );
  }

  exchange(portal: Portal, code: string, verifier: string) {
    return fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: portal.redirectUri,
        client_id: portal.id,
        code_verifier: verifier,
      }).toString(),
    });
  }

  /**
   * Opens the login page on portal A, posts `form` to `path` (login by default) and, when the
   * provider lets the browser go, exchanges the code. Returns the status of the post, the page
   * text on refusal, and the access token with its verified principal on success.
   */
  async signIn(form: Record<string, string>, options: { path?: string; portal?: Portal; browser?: BrowserSession; scope?: string } = {}) {
    const browser = options.browser ?? new BrowserSession();
    const portal = options.portal ?? DEMO_PORTALS[0]!;
    const pkce = pkcePair();
    const page = await this.authorize(browser, portal, pkce.challenge, options.scope ? { scope: options.scope } : {});
    const posted = await browser.request(`${page.url}/${options.path ?? 'login'}`, { method: 'POST', form });
    if (posted.status !== 303)
      return { status: posted.status, text: posted.text, retryAfter: posted.retryAfter, token: null, principal: null as Principal | null };
    const back = await browser.follow(posted.location!, this.origin);
    const tokens = (await (await this.exchange(portal, new URL(back.url).searchParams.get('code')!, pkce.verifier)).json()) as {
      access_token: string;
    };
    const principal = await new AccessTokenVerifier({ issuer: this.issuer, audience: PLATFORM_API_AUDIENCE }).verify(tokens.access_token);
    return { status: 303, text: '', retryAfter: null, token: tokens.access_token, principal: principal as Principal | null };
  }
}

/** JSON request with a bearer token; answers status and parsed body. */
export async function api(url: string, token: string | null, init: { method?: string; body?: unknown; raw?: string } = {}) {
  const res = await fetch(url, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined || init.raw !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}
