import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { type DataSource, IsNull } from 'typeorm';
import { type CheckAgentInput, type CheckAgentReply, type ResolveLegalPersonReply, subjectKeyOf } from '@gmp/contracts';
import { ServiceConfig } from '@gmp/service-kit';
import { AgentAuthorisation } from './agent-authorisation.entity.js';
import { IdentityAudit } from './identity-audit.entity.js';
import { LegalPerson } from './legal-person.entity.js';
import { PersonAccount } from './person-account.entity.js';
import { IdentityProblem } from './identity.problems.js';

/** Legal persons, their agents (经办人) and the checks other services ask for. */
@Injectable()
export class AgentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
  ) {}

  /** The keyed hash a credit code is stored and looked up by. */
  keyOf(creditCode: string): string {
    return this.key(creditCode);
  }

  private key(id: string): string {
    return subjectKeyOf(id, this.config.SUBJECT_KEY_SECRET);
  }

  async registerLegalPerson(creditCode: string, name: string): Promise<LegalPerson> {
    const repo = this.dataSource.getRepository(LegalPerson);
    const existing = await repo.findOneBy({ codeKey: this.key(creditCode) });
    if (existing) return existing;
    const company = { id: randomUUID(), codeKey: this.key(creditCode), creditCode: creditCode.toUpperCase(), name, createdAt: new Date() };
    await repo.insert(company);
    return company;
  }

  async grant(
    creditCode: string,
    agentIdNumber: string,
    scopes: string[],
    validUntil: Date,
    grantedBy: string,
  ): Promise<AgentAuthorisation> {
    if (validUntil.getTime() <= Date.now()) throw IdentityProblem.INVALID('授权截止时间必须在将来 (validUntil must be in the future)');
    const company = await this.dataSource.getRepository(LegalPerson).findOneBy({ codeKey: this.key(creditCode) });
    if (!company) throw IdentityProblem.UNKNOWN_COMPANY();
    const agent = await this.dataSource.getRepository(PersonAccount).findOneBy({ idKey: this.key(agentIdNumber) });
    if (!agent) throw IdentityProblem.UNKNOWN_ACCOUNT();
    const authorisation: AgentAuthorisation = {
      id: randomUUID(),
      legalPersonId: company.id,
      agentAccountId: agent.id,
      scopes: [...new Set(scopes)],
      validUntil,
      revokedAt: null,
      grantedBy,
      createdAt: new Date(),
    };
    await this.dataSource.transaction(async (m) => {
      await m.insert(AgentAuthorisation, authorisation);
      await m.insert(IdentityAudit, {
        id: randomUUID(),
        event: 'AGENT_GRANTED',
        accountId: agent.id,
        clientId: grantedBy,
        remoteAddress: null,
        detail: `${company.id} ${authorisation.scopes.join(',')} until ${validUntil.toISOString()}`,
      });
    });
    return authorisation;
  }

  async revoke(authorisationId: string, revokedBy: string): Promise<void> {
    const result = await this.dataSource.transaction(async (m) => {
      const r = await m.update(AgentAuthorisation, { id: authorisationId, revokedAt: IsNull() }, { revokedAt: new Date() });
      if (r.affected)
        await m.insert(IdentityAudit, {
          id: randomUUID(),
          event: 'AGENT_REVOKED',
          accountId: null,
          clientId: revokedBy,
          remoteAddress: null,
          detail: authorisationId,
        });
      return r.affected ?? 0;
    });
    if (result === 0) throw IdentityProblem.NOT_FOUND();
  }

  /** Whether the account is a current agent of the company whose credit-code key is `companyKey`, with `scope`. */
  async actsFor(agentAccountId: string, companyKey: string, scope: string): Promise<boolean> {
    return this.dataSource
      .getRepository(AgentAuthorisation)
      .createQueryBuilder('a')
      .innerJoin(LegalPerson, 'lp', 'lp.id = a.legal_person_id')
      .where(
        'lp.code_key = :companyKey AND a.agent_account_id = :agentAccountId AND a.revoked_at IS NULL AND a.valid_until > now() AND :scope = ANY(a.scopes)',
        { companyKey, agentAccountId, scope },
      )
      .getExists();
  }

  async check(input: CheckAgentInput): Promise<CheckAgentReply> {
    const company = await this.dataSource.getRepository(LegalPerson).findOneBy({ codeKey: this.key(input.companyCreditCode) });
    if (!company) return refuse('UNKNOWN_COMPANY', '法人未登记 (legal person not registered)');
    const agent = await this.dataSource.getRepository(PersonAccount).findOneBy({ idKey: this.key(input.agentIdNumber) });
    if (!agent) return refuse('NO_AUTHORISATION', '没有授权 (no authorisation)');
    const all = await this.dataSource
      .getRepository(AgentAuthorisation)
      .find({ where: { legalPersonId: company.id, agentAccountId: agent.id }, order: { createdAt: 'DESC' } });
    const now = Date.now();
    const current = all.find((a) => !a.revokedAt && a.validUntil.getTime() > now);
    if (current) {
      return current.scopes.includes(input.scope)
        ? { authorised: true, message: '已授权 (authorised)', validUntil: current.validUntil.toISOString() }
        : refuse('OUT_OF_SCOPE', `授权范围不含 ${input.scope} (outside the authorised scope)`);
    }
    // No current one: the reason is the latest authorisation's fate.
    const latest = all[0];
    if (!latest) return refuse('NO_AUTHORISATION', '没有授权 (no authorisation)');
    if (latest.revokedAt) return refuse('REVOKED', '授权已撤销 (authorisation revoked)');
    return refuse('EXPIRED', '授权已过期 (authorisation expired)');
  }

  async resolveLegalPerson(creditCode: string): Promise<ResolveLegalPersonReply> {
    const company = await this.dataSource.getRepository(LegalPerson).findOneBy({ codeKey: this.key(creditCode) });
    if (!company) return { registered: false, agents: [] };
    const rows: { id_masked: string; name: string; scopes: string[]; valid_until: Date }[] = await this.dataSource
      .getRepository(AgentAuthorisation)
      .createQueryBuilder('a')
      .innerJoin(PersonAccount, 'p', 'p.id = a.agent_account_id')
      .select(['p.id_masked AS id_masked', 'p.name AS name', 'a.scopes AS scopes', 'a.valid_until AS valid_until'])
      .where('a.legal_person_id = :id AND a.revoked_at IS NULL AND a.valid_until > now()', { id: company.id })
      .orderBy('a.valid_until', 'DESC')
      .limit(500)
      .getRawMany();
    return {
      registered: true,
      name: company.name,
      agents: rows.map((r) => ({
        agentIdMasked: r.id_masked,
        agentName: r.name,
        scopes: r.scopes,
        validUntil: new Date(r.valid_until).toISOString(),
      })),
    };
  }
}

function refuse(reason: NonNullable<CheckAgentReply['reason']>, message: string): CheckAgentReply {
  return { authorised: false, reason, message };
}
