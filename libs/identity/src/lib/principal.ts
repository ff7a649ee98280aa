/** Levels of assurance (trust levels as Chinese provinces define them; see docs/identity.md). */
export enum AssuranceLevel {
  /** 2: self-declared. */
  SelfDeclared = 2,
  /** 3: name + ID number checked against the population / legal-person base library. */
  RealName = 3,
  /** 4: real person (face match). */
  RealPerson = 4,
  /** 5: digital certificate or counter check. */
  Certificate = 5,
}

/** Data scope of a staff role (数据权限), carried in tokens and enforced by services. */
export type DataScope = 'all' | 'custom' | 'dept' | 'dept_and_below' | 'self';

/** Who is calling, as established from a verified access token. */
export interface Principal {
  /** Subject: an account id, or the client id for client-credentials tokens. */
  subject: string;
  /** OAuth client the token was issued to. */
  clientId: string;
  scopes: string[];
  /** Level of assurance of the login behind the token (a client-credentials token has none). */
  assurance: AssuranceLevel | null;
  /** For staff: department and data scope. */
  department?: string;
  dataScope?: DataScope;
  /** For staff: roles (e.g. identity-admin, security-auditor, operator). */
  roles: string[];
  /** For staff: the permissions their roles grant (e.g. identity:admin, audit:read). */
  permissions: string[];
  /** Raw claims, for what the platform does not model yet. */
  claims: Record<string, unknown>;
}
