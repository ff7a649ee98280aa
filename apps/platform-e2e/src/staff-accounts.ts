import { DataSource } from 'typeorm';
import type { RunningService } from '@gmp/service-kit';
import { TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import type { OidcFlows } from './oidc-flows.js';

const PASSWORD = 'Staff-Pass-12';

/**
 * A staff account made through identity's internal API in `department` (by name) with `roles`,
 * signed in through the OIDC provider: its access token.
 */
export async function provisionStaff(
  tech: RunningService,
  flows: OidcFlows,
  username: string,
  department: string,
  roles: string[],
): Promise<string> {
  const rows = (await tech.app
    .get(DataSource)
    .query(`SELECT id FROM "${tech.definition.schema}".department WHERE name = $1`, [department])) as { id: string }[];
  if (rows.length !== 1) throw new Error(`no single department named ${department}`);
  const r = await fetch(`${tech.url}/internal/v1/staff`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-internal-token': TEST_INTERNAL_API_TOKEN },
    body: JSON.stringify({ username, name: username, password: PASSWORD, departmentId: rows[0]!.id, roles }),
  });
  if (r.status !== 201) throw new Error(`staff ${username} not made: ${r.status} ${await r.text()}`);
  const token = (await flows.signIn({ username, password: PASSWORD })).token;
  if (!token) throw new Error(`staff ${username} could not sign in`);
  return token;
}

/** `idNumber` made an agent of the company `creditCode` for `scopes`, for an hour, through identity's internal API. */
export async function authoriseAgent(tech: RunningService, creditCode: string, idNumber: string, scopes: string[]): Promise<void> {
  const r = await fetch(`${tech.url}/internal/v1/agent-authorisations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-internal-token': TEST_INTERNAL_API_TOKEN, 'x-caller': 'e2e-admin' },
    body: JSON.stringify({ creditCode, agentIdNumber: idNumber, scopes, validUntil: new Date(Date.now() + 3_600_000).toISOString() }),
  });
  if (r.status !== 201) throw new Error(`agent authorisation not made: ${r.status} ${await r.text()}`);
}
