import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type ArchiveDepositReply,
  type ArchiveDepositRequest,
  type ArchiveVerifyReply,
  type ArchiveVerifyRequest,
  Topic,
} from '@gmp/contracts';
import { ArchiveService } from './archive.service.js';

/** E-archive capabilities over Kafka (through dispatch); messages arrive validated. */
@Controller()
export class ArchiveHandler {
  constructor(private readonly archive: ArchiveService) {}

  @MessagePattern(Topic.ArchiveDeposit)
  deposit(@Payload() request: ArchiveDepositRequest): Promise<ArchiveDepositReply> {
    return this.archive.deposit(request.meta, request.input);
  }

  @MessagePattern(Topic.ArchiveVerify)
  verify(@Payload() request: ArchiveVerifyRequest): Promise<ArchiveVerifyReply> {
    return this.archive.verify(request.input.packageId);
  }
}
