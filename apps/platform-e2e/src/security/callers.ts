import { randomBytes } from 'node:crypto';
import { generateSync } from 'otplib';
import { DEMO_CITIZENS, DEMO_COMPANIES, DEMO_PERSON, DEMO_STAFF } from '@gmp/feature-tech';
import type { Principal } from '@gmp/identity';
import { TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { DEMO_AUTH, INTERNAL, post, TEST_LEGAL_BASIS } from '../dispatch-client.js';
import { OidcFlows } from '../oidc-flows.js';
import type { Holdings } from './openapi-routes.js';
import type { PlatformUnderTest } from './platform-under-test.js';

/** Every scope the demo portals may ask for: the signed-in user's token is as strong as a portal can make it. */
export const PORTAL_SCOPES = 'openid profile licence:read files:write capabilities:invoke';

export const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

export interface SignedIn {
  token: string;
  principal: Principal;
}

/** A TOTP code not about to expire: near the end of a 30-s step, wait for the next one. */
async function totp(secret: string): Promise<string> {
  const into = (Date.now() / 1000) % 30;
  if (into > 26) await new Promise((r) => setTimeout(r, (30 - into) * 1000 + 200));
  return generateSync({ secret });
}

export async function signIn(issuer: string, form: Record<string, string>): Promise<SignedIn> {
  const result = await new OidcFlows(issuer).signIn(form, { scope: PORTAL_SCOPES });
  if (!result.token || !result.principal)
    throw new Error(`sign-in of ${form['username']} failed: ${result.status} ${result.text.slice(0, 300)}`);
  return { token: result.token, principal: result.principal };
}

/** Registers a business-line app through the operators' API (no subscriptions, no grants). */
export async function registerApp(dispatchUrl: string, appKey: string): Promise<{ appKey: string; authorization: string }> {
  const res = await post(`${dispatchUrl}/internal/v1/apps`, { appKey, name: `安全测试应用 ${appKey}`, ownerDepartment: '测试' }, INTERNAL);
  if (res.status !== 201) throw new Error(`app ${appKey} not registered: ${res.status} ${JSON.stringify(res.body)}`);
  return { appKey, authorization: basic(appKey, res.body.appSecret as string) };
}

/** Someone whose data must not reach callers who are not entitled to it, and the strings that give it away. */
export interface Subject {
  id: string;
  /** Callers (by id) entitled to see it. */
  visibleTo: string[];
  markers: string[];
  /** Markers derived from another (a masked ID from the ID): not a leak when the request carried the original. */
  derived?: Record<string, string>;
}

/** The demo subjects' licences, looked up as the demo app with a legal basis: their ids, numbers and holder names are markers of their data. */
export async function subjectsOf(p: PlatformUnderTest, owners: { citizen: string; operator: string }): Promise<Subject[]> {
  const subjects: Subject[] = [];
  const lookup = async (holderType: 'person' | 'company', holderId: string) => {
    const res = await post(
      `${p.dispatch.url}/v1/capabilities/e-licence.query-by-holder/invoke`,
      { holderType, holderId },
      { authorization: DEMO_AUTH, 'x-legal-basis': TEST_LEGAL_BASIS },
    );
    if (res.status !== 200) throw new Error(`licences of ${holderId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.licences as { licenceId: string; number: string; holderName: string }[];
  };
  for (const c of DEMO_CITIZENS) {
    const licences = await lookup('person', c.id);
    const masked = `${c.id.slice(0, 6)}********${c.id.slice(-4)}`;
    subjects.push({
      id: `citizen ${c.name}`,
      // 张三 is the demo citizen account: his own data is his to see.
      visibleTo: c.id === DEMO_PERSON.idNumber ? [owners.citizen] : [],
      markers: [c.id, masked, c.name, ...licences.flatMap((l) => [l.licenceId, l.number])],
      derived: { [masked]: c.id },
    });
  }
  for (const [i, c] of DEMO_COMPANIES.entries()) {
    const licences = await lookup('company', c.id);
    // 张三 is the first demo company's agent (licence:read): its licences are his to see.
    subjects.push({
      id: `company ${c.name}`,
      visibleTo: i === 0 ? [owners.citizen] : [],
      markers: [...licences.flatMap((l) => [l.licenceId, l.number])],
    });
  }
  for (const [key, staff] of Object.entries(DEMO_STAFF)) {
    subjects.push({
      id: `staff ${staff.username}`,
      visibleTo: key === 'operator' ? [owners.operator] : [],
      markers: [staff.username, staff.name],
    });
  }
  return subjects;
}

/** A caller of the authorisation matrix: the headers it sends and what they entitle it to. */
export interface Caller {
  id: string;
  label: string;
  headers: Record<string, string>;
  holds: Holdings;
}

export function holdingsOfToken(principal: Principal, appGranted: boolean): Holdings {
  return {
    bearer: { scopes: principal.scopes, permissions: principal.permissions },
    ...(principal.scopes.includes('capabilities:invoke') ? { app: { granted: appGranted } } : {}),
  };
}

export const WRONG = {
  basic: basic('demo-portal', 'not-the-demo-portal-secret'),
  internalToken: `${TEST_INTERNAL_API_TOKEN}-wrong`,
  bearer: `Bearer ${randomBytes(24).toString('base64url')}.${randomBytes(48).toString('base64url')}.${randomBytes(64).toString('base64url')}`,
};

export const DEMO_LOGINS = {
  citizen: { username: DEMO_PERSON.idNumber, password: DEMO_PERSON.password },
  operator: { username: DEMO_STAFF.operator.username, password: DEMO_STAFF.operator.password },
  admin: async () => ({
    username: DEMO_STAFF.identityAdmin.username,
    password: DEMO_STAFF.identityAdmin.password,
    otp: await totp(DEMO_STAFF.identityAdmin.totpSecret),
  }),
  auditor: async () => ({
    username: DEMO_STAFF.securityAuditor.username,
    password: DEMO_STAFF.securityAuditor.password,
    otp: await totp(DEMO_STAFF.securityAuditor.totpSecret),
  }),
};
