import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type LicenceByIdRequest,
  type LicenceChangeReply,
  type LicenceChangeRequest,
  type LicenceIssueReply,
  type LicenceIssueRequest,
  type LicencePdfReply,
  type LicenceRecordReply,
  type LicenceUseGrantReply,
  type LicenceUseGrantRequest,
  type LicenceUseWithdrawReply,
  type LicenceUseWithdrawRequest,
  type LicenceVerifyReply,
  Topic,
} from '@gmp/contracts';
import { AuthoriseLicenceUse } from './usecases/authorise-licence-use/authorise-licence-use.usecase.js';
import { ChangeLicence } from './usecases/change-licence/change-licence.usecase.js';
import { GetLicence } from './usecases/get-licence/get-licence.usecase.js';
import { GetLicencePdf } from './usecases/get-licence-pdf/get-licence-pdf.usecase.js';
import { IssueLicence } from './usecases/issue-licence/issue-licence.usecase.js';
import { VerifyLicence } from './usecases/verify-licence/verify-licence.usecase.js';
import { WithdrawLicenceUse } from './usecases/withdraw-licence-use/withdraw-licence-use.usecase.js';

/** E-licence issue, read, verify, revoke and annotate over Kafka (through dispatch); messages arrive validated. */
@Controller()
export class LicenceLifecycleHandler {
  constructor(
    private readonly issueLicence: IssueLicence,
    private readonly getLicence: GetLicence,
    private readonly getLicencePdf: GetLicencePdf,
    private readonly verifyLicence: VerifyLicence,
    private readonly authoriseLicenceUse: AuthoriseLicenceUse,
    private readonly withdrawLicenceUse: WithdrawLicenceUse,
    private readonly changeLicence: ChangeLicence,
  ) {}

  @MessagePattern(Topic.LicenceIssue)
  issue(@Payload() request: LicenceIssueRequest): Promise<LicenceIssueReply> {
    return this.issueLicence.execute(request);
  }

  @MessagePattern(Topic.LicenceGet)
  get(@Payload() request: LicenceByIdRequest): Promise<LicenceRecordReply> {
    return this.getLicence.execute(request);
  }

  @MessagePattern(Topic.LicenceGetPdf)
  getPdf(@Payload() request: LicenceByIdRequest): Promise<LicencePdfReply> {
    return this.getLicencePdf.execute(request);
  }

  @MessagePattern(Topic.LicenceVerify)
  verify(@Payload() request: LicenceByIdRequest): Promise<LicenceVerifyReply> {
    return this.verifyLicence.execute(request.input);
  }

  @MessagePattern(Topic.LicenceAuthoriseUse)
  authoriseUse(@Payload() request: LicenceUseGrantRequest): Promise<LicenceUseGrantReply> {
    return this.authoriseLicenceUse.execute(request);
  }

  @MessagePattern(Topic.LicenceWithdrawUse)
  withdrawUse(@Payload() request: LicenceUseWithdrawRequest): Promise<LicenceUseWithdrawReply> {
    return this.withdrawLicenceUse.execute(request);
  }

  @MessagePattern(Topic.LicenceChange)
  change(@Payload() request: LicenceChangeRequest): Promise<LicenceChangeReply> {
    return this.changeLicence.execute(request);
  }
}
