import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type CheckAgentReply,
  type CheckAgentRequest,
  type DepartmentsByNameReply,
  type DepartmentsByNameRequest,
  type IntrospectTokenReply,
  type IntrospectTokenRequest,
  type ResolveLegalPersonReply,
  type ResolveLegalPersonRequest,
  type SubjectOfAccountReply,
  type SubjectOfAccountRequest,
  Topic,
  type VerifyRealNameReply,
  type VerifyRealNameRequest,
} from '@gmp/contracts';
import { AccessTokenVerifier, PLATFORM_API_AUDIENCE, TokenRejected } from '@gmp/identity';
import { OidcProviderService } from './oidc-provider.service.js';
import { AccountsService } from './accounts.service.js';
import { AgentsService } from './agents.service.js';
import { RealNameService } from './real-name.service.js';
import { StaffDirectoryService } from './staff-directory.service.js';

/** Identity operations published as capabilities (request-reply over Kafka, through dispatch). */
@Controller()
export class IdentityHandler {
  private verifier: AccessTokenVerifier | null = null;

  constructor(
    private readonly agents: AgentsService,
    private readonly oidc: OidcProviderService,
    private readonly realName: RealNameService,
    private readonly accounts: AccountsService,
    private readonly directory: StaffDirectoryService,
  ) {}

  /** Platform-internal: where named departments sit in the tree (the business platform's data scopes). */
  @MessagePattern(Topic.IdentityDepartments)
  async departmentsByName(@Payload() request: DepartmentsByNameRequest): Promise<DepartmentsByNameReply> {
    const found = await this.directory.departmentsNamed(request.input.names);
    return { departments: found.map((d) => ({ id: d.id, name: d.name, path: d.path })) };
  }

  /**
   * Platform-internal (not published through dispatch): the keyed hash of a signed-in account's
   * ID number, e.g. for the person's own data-use log — or, `onBehalfOf` a company, the company's
   * key if the account is its current agent with the scope asked for (nothing otherwise).
   */
  @MessagePattern(Topic.IdentitySubjectOf)
  async subjectOf(@Payload() request: SubjectOfAccountRequest): Promise<SubjectOfAccountReply> {
    const account = await this.accounts.find(request.input.accountId);
    if (!account) return {};
    const company = request.input.onBehalfOf;
    if (!company) return { subjectKey: account.idKey };
    const companyKey = this.agents.keyOf(company.creditCode);
    return (await this.agents.actsFor(account.id, companyKey, company.scope)) ? { subjectKey: companyKey } : {};
  }

  @MessagePattern(Topic.IdentityVerifyRealName)
  verifyRealName(@Payload() request: VerifyRealNameRequest): Promise<VerifyRealNameReply> {
    return this.realName.verify(request.meta, request.input.name, request.input.idNumber);
  }

  @MessagePattern(Topic.IdentityResolveLegalPerson)
  resolveLegalPerson(@Payload() request: ResolveLegalPersonRequest): Promise<ResolveLegalPersonReply> {
    return this.agents.resolveLegalPerson(request.input.creditCode);
  }

  /**
   * Verified like every service verifies (signature, issuer, audience, expiry), and then against
   * the provider's state: a user token whose grant was revoked (logout, forced logout, disabled
   * account) or an app token whose client is gone is inactive at once, although the JWT itself
   * would verify until it expires (10 minutes).
   */
  @MessagePattern(Topic.IdentityIntrospectToken)
  async introspect(@Payload() request: IntrospectTokenRequest): Promise<IntrospectTokenReply> {
    this.verifier ??= new AccessTokenVerifier({ issuer: this.oidc.issuer, audience: PLATFORM_API_AUDIENCE });
    try {
      const p = await this.verifier.verify(request.input.token);
      const gid = p.claims['gid'];
      const live =
        typeof gid === 'string'
          ? Boolean(await this.oidc.provider.Grant.find(gid))
          : Boolean(await this.oidc.provider.Client.find(p.clientId));
      if (!live) return { active: false, reason: 'TOKEN_REVOKED' };
      return {
        active: true,
        clientId: p.clientId,
        subject: p.subject,
        scopes: p.scopes,
        ...(p.assurance ? { assuranceLevel: p.assurance } : {}),
        ...(typeof p.claims['exp'] === 'number' ? { expiresAt: p.claims['exp'] } : {}),
      };
    } catch (err) {
      return { active: false, reason: err instanceof TokenRejected ? `TOKEN_${err.reason}` : 'TOKEN_INVALID' };
    }
  }

  @MessagePattern(Topic.IdentityCheckAgent)
  checkAgent(@Payload() request: CheckAgentRequest): Promise<CheckAgentReply> {
    return this.agents.check(request.input);
  }
}
