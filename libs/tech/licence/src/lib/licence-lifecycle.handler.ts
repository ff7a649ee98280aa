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
import { LicenceLifecycleService } from './licence-lifecycle.service.js';

/** E-licence issue, read, verify, revoke and annotate over Kafka (through dispatch); messages arrive validated. */
@Controller()
export class LicenceLifecycleHandler {
  constructor(private readonly licences: LicenceLifecycleService) {}

  @MessagePattern(Topic.LicenceIssue)
  issue(@Payload() request: LicenceIssueRequest): Promise<LicenceIssueReply> {
    return this.licences.issue(request.meta, request.input);
  }

  @MessagePattern(Topic.LicenceGet)
  get(@Payload() request: LicenceByIdRequest): Promise<LicenceRecordReply> {
    return this.licences.get(request.meta, request.input.licenceId);
  }

  @MessagePattern(Topic.LicenceGetPdf)
  getPdf(@Payload() request: LicenceByIdRequest): Promise<LicencePdfReply> {
    return this.licences.getPdf(request.meta, request.input.licenceId);
  }

  @MessagePattern(Topic.LicenceVerify)
  verify(@Payload() request: LicenceByIdRequest): Promise<LicenceVerifyReply> {
    return this.licences.verify(request.input.licenceId);
  }

  @MessagePattern(Topic.LicenceAuthoriseUse)
  authoriseUse(@Payload() request: LicenceUseGrantRequest): Promise<LicenceUseGrantReply> {
    return this.licences.authoriseUse(request.meta, request.input);
  }

  @MessagePattern(Topic.LicenceWithdrawUse)
  withdrawUse(@Payload() request: LicenceUseWithdrawRequest): Promise<LicenceUseWithdrawReply> {
    return this.licences.withdrawUse(request.meta, request.input);
  }

  @MessagePattern(Topic.LicenceChange)
  change(@Payload() request: LicenceChangeRequest): Promise<LicenceChangeReply> {
    return this.licences.change(request.meta, request.input);
  }
}
