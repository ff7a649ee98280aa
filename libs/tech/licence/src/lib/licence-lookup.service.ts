import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CallMeta, LicenceStatus } from '@gmp/contracts';
import { LicenceQueryService } from './licence-query.service.js';
import { Licence } from './licence.entity.js';
import { LicenceProblem } from './licence.problems.js';

/** Finds one licence by its identifier: as it is (verify, change, authorise), or for a caller with a basis, the read recorded. */
@Injectable()
export class LicenceLookupService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: LicenceQueryService,
  ) {}

  /** The licence, or 404 NOT_FOUND. */
  async find(licenceId: string): Promise<Licence> {
    const licence = await this.dataSource.getRepository(Licence).findOneBy({ licenceId });
    if (!licence) throw LicenceProblem.NOT_FOUND(licenceId);
    return licence;
  }

  /** The licence, if this caller may read it — the read recorded (access log + LicenceAccessed) — else a logged 403. */
  async readable(meta: CallMeta, licenceId: string): Promise<Licence> {
    const licence = await this.find(licenceId);
    const basis = await this.access.basisForLicence(meta, licence);
    if (!basis) return this.access.refuse(meta, { subjectKey: licence.holderKey, holderType: licence.holderType });
    await this.access.recordRead(meta, { subjectKey: licence.holderKey, holderType: licence.holderType }, [licenceId], basis);
    return licence;
  }
}

/** A licence's status as of today: a valid licence past its last day of validity is expired, even before the expiry sweep marks it. */
export function statusOf(l: Licence): LicenceStatus {
  if (l.status === 'revoked') return 'revoked';
  if (l.validUntil && String(l.validUntil) < new Date().toISOString().slice(0, 10)) return 'expired';
  return l.status;
}
