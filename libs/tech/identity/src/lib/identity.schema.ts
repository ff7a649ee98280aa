import { AgentAuthorisation } from './agent-authorisation.entity.js';
import { Department } from './department.entity.js';
import { IdentityAudit } from './identity-audit.entity.js';
import { LegalPerson } from './legal-person.entity.js';
import { LoginThrottleRow } from './login-throttle.entity.js';
import { OidcPayload } from './oidc-payload.entity.js';
import { OperationLog } from './operation-log.entity.js';
import { PersonAccount } from './person-account.entity.js';
import { Post } from './post.entity.js';
import { Role } from './role.entity.js';
import { SigningKey } from './signing-key.entity.js';
import { SmsLoginCode } from './sms-login-code.entity.js';
import { StaffAccount } from './staff-account.entity.js';
import { CreateIdentityTables1763800400000 } from './migrations/1763800400000-create-identity-tables.migration.js';
import { CreatePersonAccounts1763800500000 } from './migrations/1763800500000-create-person-accounts.migration.js';
import { CreateLegalPersonsAndAgents1763800600000 } from './migrations/1763800600000-create-legal-persons-and-agents.migration.js';
import { CreateStaffAccounts1763800700000 } from './migrations/1763800700000-create-staff-accounts.migration.js';
import { CreateRolesPostsOperationLog1763800800000 } from './migrations/1763800800000-create-roles-posts-operation-log.migration.js';
import { CreateSmsLogin1763801100000 } from './migrations/1763801100000-create-sms-login.migration.js';
import { LockOutInThrottle1763801400000 } from './migrations/1763801400000-lock-out-in-throttle.migration.js';
import { ClientAllowedScopes1763802400000 } from './migrations/1763802400000-client-allowed-scopes.migration.js';

/** The tables the identity module owns; no other module reads or writes them. */
export const IDENTITY_ENTITIES = [
  OidcPayload,
  SigningKey,
  PersonAccount,
  IdentityAudit,
  LegalPerson,
  AgentAuthorisation,
  Department,
  StaffAccount,
  Role,
  Post,
  OperationLog,
  LoginThrottleRow,
  SmsLoginCode,
];

/** Its migrations, each with up and down. */
export const IDENTITY_MIGRATIONS = [
  CreateIdentityTables1763800400000,
  CreatePersonAccounts1763800500000,
  CreateLegalPersonsAndAgents1763800600000,
  CreateStaffAccounts1763800700000,
  CreateRolesPostsOperationLog1763800800000,
  CreateSmsLogin1763801100000,
  LockOutInThrottle1763801400000,
  ClientAllowedScopes1763802400000,
];
