import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type LicenceByHolderReply, type LicenceByHolderRequest, Topic } from '@gmp/contracts';
import { LicenceQueryService } from './licence-query.service.js';

/** Kafka (or in-process) entry of the e-licence capability; messages arrive validated. */
@Controller()
export class LicenceHandler {
  constructor(private readonly licences: LicenceQueryService) {}

  @MessagePattern(Topic.LicenceQueryByHolder)
  byHolder(@Payload() request: LicenceByHolderRequest): Promise<LicenceByHolderReply> {
    return this.licences.byHolder(request);
  }
}
