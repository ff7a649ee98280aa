/** Audience (resource indicator) of the platform's APIs: every access token the provider issues is for it. */
export const PLATFORM_API_AUDIENCE = 'urn:gov-mp:api';

/** OAuth scopes of the platform's APIs. */
export const PlatformScope = {
  /** Call published capabilities through service dispatch. */
  InvokeCapabilities: 'capabilities:invoke',
  /** Read e-licences (a holder's own, or as authorised). */
  ReadLicences: 'licence:read',
  /** Upload application materials to the file store. */
  WriteFiles: 'files:write',
} as const;

/** OpenID Connect's own scopes (sign-in, profile, refresh tokens), which a client may also be allowed. */
export const OidcScope = {
  OpenId: 'openid',
  Profile: 'profile',
  OfflineAccess: 'offline_access',
} as const;

/** Every scope a client may be allowed: OpenID Connect's own and the platform's API scopes. */
export const KNOWN_CLIENT_SCOPES: readonly string[] = [...Object.values(OidcScope), ...Object.values(PlatformScope)];

/**
 * The scopes a client is allowed, from its `scope` metadata (a space-separated list stored with
 * the client), or a reason it has none: a client whose list is missing, empty or names a scope
 * the platform does not know is allowed nothing (fail closed). The provider applies it to every
 * client it loads; an API that registers clients (there is none yet) should check lists with it,
 * so that one rule decides what a client may hold.
 */
export function allowedClientScopes(scope: unknown): { scopes: string[] } | { problem: 'MISSING' | 'UNKNOWN_SCOPE'; unknown?: string[] } {
  if (typeof scope !== 'string') return { problem: 'MISSING' };
  const scopes = [...new Set(scope.split(' ').filter(Boolean))];
  if (scopes.length === 0) return { problem: 'MISSING' };
  const unknown = scopes.filter((s) => !KNOWN_CLIENT_SCOPES.includes(s));
  return unknown.length ? { problem: 'UNKNOWN_SCOPE', unknown } : { scopes };
}

/** `acr` values of the platform's tokens; the trailing digit is the level of assurance. */
export function acrForLevel(level: number): string {
  return `urn:gov-mp:loa:${level}`;
}

/** The level of assurance of an `acr` value of the platform, or undefined for anything else. */
export function levelOfAcr(acr: string | undefined): number | undefined {
  const m = acr ? /^urn:gov-mp:loa:([2-5])$/.exec(acr) : null;
  return m ? Number(m[1]) : undefined;
}
