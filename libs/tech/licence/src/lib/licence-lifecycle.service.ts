import { Injectable } from '@nestjs/common';
import type {
  CallMeta,
  LicenceChangeInput,
  LicenceChangeReply,
  LicenceIssueInput,
  LicenceIssueReply,
  LicencePdfReply,
  LicenceRecordReply,
  LicenceUseGrantInput,
  LicenceUseGrantReply,
  LicenceUseWithdrawInput,
  LicenceUseWithdrawReply,
  LicenceVerifyReply,
} from '@gmp/contracts';
import { AuthoriseLicenceUse } from './usecases/authorise-licence-use/authorise-licence-use.usecase.js';
import { ChangeLicence } from './usecases/change-licence/change-licence.usecase.js';
import { ExpireDueLicences } from './usecases/expire-due-licences/expire-due-licences.usecase.js';
import { GetLicence } from './usecases/get-licence/get-licence.usecase.js';
import { GetLicencePdf } from './usecases/get-licence-pdf/get-licence-pdf.usecase.js';
import { IssueLicence } from './usecases/issue-licence/issue-licence.usecase.js';
import { VerifyLicence } from './usecases/verify-licence/verify-licence.usecase.js';
import { WithdrawLicenceUse } from './usecases/withdraw-licence-use/withdraw-licence-use.usecase.js';

/**
 * The life of an e-licence (电子证照): issued from structured data checked against its type's
 * schema, identified per GB/T 36904, its record signed (GB/T 38540) with the issuing
 * authority's seal — which the calling app must be allowed to use — then read, verified,
 * revoked or annotated (加注件). Every change is announced through the outbox so the data
 * platform's licence index stays current.
 *
 * A façade for callers outside the module (exported through `@gmp/feature-tech`; the e2e tests
 * call it directly): each method delegates to its use case in `usecases/`, which is where the
 * work is done. The module's own handlers, job and seed call the use cases.
 */
@Injectable()
export class LicenceLifecycleService {
  constructor(
    private readonly issueLicence: IssueLicence,
    private readonly getLicence: GetLicence,
    private readonly getLicencePdf: GetLicencePdf,
    private readonly verifyLicence: VerifyLicence,
    private readonly changeLicence: ChangeLicence,
    private readonly authoriseLicenceUse: AuthoriseLicenceUse,
    private readonly withdrawLicenceUse: WithdrawLicenceUse,
    private readonly expireDueLicences: ExpireDueLicences,
  ) {}

  issue(meta: CallMeta, input: LicenceIssueInput): Promise<LicenceIssueReply> {
    return this.issueLicence.execute({ meta, input });
  }

  get(meta: CallMeta, licenceId: string): Promise<LicenceRecordReply> {
    return this.getLicence.execute({ meta, input: { licenceId } });
  }

  getPdf(meta: CallMeta, licenceId: string): Promise<LicencePdfReply> {
    return this.getLicencePdf.execute({ meta, input: { licenceId } });
  }

  verify(licenceId: string): Promise<LicenceVerifyReply> {
    return this.verifyLicence.execute({ licenceId });
  }

  change(meta: CallMeta, input: LicenceChangeInput): Promise<LicenceChangeReply> {
    return this.changeLicence.execute({ meta, input });
  }

  authoriseUse(meta: CallMeta, input: LicenceUseGrantInput): Promise<LicenceUseGrantReply> {
    return this.authoriseLicenceUse.execute({ meta, input });
  }

  withdrawUse(meta: CallMeta, input: LicenceUseWithdrawInput): Promise<LicenceUseWithdrawReply> {
    return this.withdrawLicenceUse.execute({ meta, input });
  }

  expireDue(): Promise<number> {
    return this.expireDueLicences.execute();
  }
}
