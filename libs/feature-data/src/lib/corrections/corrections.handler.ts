import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type DataDisputeReply, type DataDisputeRequest, Topic } from '@gmp/contracts';
import { DisputeValue } from './usecases/dispute-value/dispute-value.usecase.js';

/** data.dispute over Kafka (or in process): the signed-in applicant disputes a prefilled value. */
@Controller()
export class CorrectionsHandler {
  constructor(private readonly dispute: DisputeValue) {}

  @MessagePattern(Topic.DataDispute)
  file(@Payload() r: DataDisputeRequest): Promise<DataDisputeReply> {
    return this.dispute.execute(r.meta, r.input);
  }
}
