import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type PopulationVerifyReply, type PopulationVerifyRequest, Topic } from '@gmp/contracts';
import { PopulationService } from './population.service.js';

/** Kafka (or in-process) entry of the population base check; messages arrive validated. */
@Controller()
export class PopulationHandler {
  constructor(private readonly population: PopulationService) {}

  @MessagePattern(Topic.DataPopulationVerify)
  verify(@Payload() request: PopulationVerifyRequest): Promise<PopulationVerifyReply> {
    return this.population.verify(request.meta, request.input.name, request.input.idNumber);
  }
}
