import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type LicenceUseGrantReply, type LicenceUseGrantRequest, subjectKeyOf } from '@gmp/contracts';
import { ServiceConfig } from '@gmp/service-kit';
import { LicenceHolderService } from '../../licence-holder.service.js';
import { LicenceLookupService } from '../../licence-lookup.service.js';
import { LicenceUseAuthorisation } from '../../licence-use-authorisation.entity.js';
import { LicenceProblem } from '../../licence.problems.js';

/**
 * 用证授权: by the holder, signed in (the end user of a user token), for their own licences —
 * or by a company's agent (经办人) holding a current authorisation with scope
 * `licence:authorise` from that company, for the company's licences.
 */
@Injectable()
export class AuthoriseLicenceUse {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly holders: LicenceHolderService,
    private readonly lookup: LicenceLookupService,
  ) {}

  async execute({ meta, input }: LicenceUseGrantRequest): Promise<LicenceUseGrantReply> {
    const person = await this.holders.signedInHolder(meta);
    const validUntil = new Date(input.validUntil);
    if (validUntil.getTime() <= Date.now())
      throw LicenceProblem.INVALID_VALIDITY('授权截止时间须晚于现在 (validUntil must be in the future)');
    if (validUntil.getTime() > Date.now() + 366 * 86_400_000)
      throw LicenceProblem.INVALID_VALIDITY('授权期限不得超过一年 (an authorisation lasts at most a year)');
    let holderKey = input.companyCreditCode ? subjectKeyOf(input.companyCreditCode, this.config.SUBJECT_KEY_SECRET) : person.idKey;
    if (input.licenceId) {
      const licence = await this.lookup.find(input.licenceId);
      if (input.companyCreditCode && licence.holderKey !== holderKey) throw LicenceProblem.LICENCE_NOT_HELD_BY_COMPANY();
      holderKey = licence.holderKey;
    }
    if (!(await this.holders.mayActFor(person, holderKey))) throw LicenceProblem.NOT_HOLDER_OR_AGENT();
    const id = randomUUID();
    await this.dataSource.getRepository(LicenceUseAuthorisation).insert({
      id,
      holderKey,
      licenceId: input.licenceId ?? null,
      grantee: input.grantee,
      purpose: input.purpose ?? null,
      caseId: input.caseId ?? null,
      validUntil,
      withdrawnAt: null,
      grantedBy: person.id,
    });
    return { authorisationId: id, validUntil: validUntil.toISOString() };
  }
}
