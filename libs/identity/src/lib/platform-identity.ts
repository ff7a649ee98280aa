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

/** `acr` values of the platform's tokens; the trailing digit is the level of assurance. */
export function acrForLevel(level: number): string {
  return `urn:gov-mp:loa:${level}`;
}

/** The level of assurance of an `acr` value of the platform, or undefined for anything else. */
export function levelOfAcr(acr: string | undefined): number | undefined {
  const m = acr ? /^urn:gov-mp:loa:([2-5])$/.exec(acr) : null;
  return m ? Number(m[1]) : undefined;
}
