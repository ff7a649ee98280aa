import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, IsNull } from 'typeorm';
import type { LicenceUseWithdrawReply, LicenceUseWithdrawRequest } from '@gmp/contracts';
import { LicenceHolderService } from '../../licence-holder.service.js';
import { LicenceUseAuthorisation } from '../../licence-use-authorisation.entity.js';
import { LicenceProblem } from '../../licence.problems.js';

/** Withdrawn at once, by the holder or (for a company) any of its current agents with scope licence:authorise. */
@Injectable()
export class WithdrawLicenceUse {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly holders: LicenceHolderService,
  ) {}

  async execute({ meta, input }: LicenceUseWithdrawRequest): Promise<LicenceUseWithdrawReply> {
    const person = await this.holders.signedInHolder(meta);
    const repo = this.dataSource.getRepository(LicenceUseAuthorisation);
    const grant = await repo.findOneBy({ id: input.authorisationId, withdrawnAt: IsNull() });
    const res =
      grant && (await this.holders.mayActFor(person, grant.holderKey))
        ? await repo.update({ id: grant.id, withdrawnAt: IsNull() }, { withdrawnAt: new Date() })
        : null;
    if (!res?.affected) throw LicenceProblem.AUTHORISATION_NOT_FOUND(input.authorisationId);
    return { authorisationId: input.authorisationId, withdrawn: true };
  }
}
