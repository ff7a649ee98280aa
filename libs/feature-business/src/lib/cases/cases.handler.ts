import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type CasePartDecidedEvent, Topic } from '@gmp/contracts';
import { DecidePart } from './usecases/decide-part/decide-part.usecase.js';

/** Departments' decisions over Kafka (messages arrive validated; one that cannot apply is dead-lettered with the reason). */
@Controller()
export class CasesHandler {
  constructor(private readonly decide: DecidePart) {}

  @EventPattern(Topic.BusinessPartDecided)
  async onDecided(@Payload() event: CasePartDecidedEvent): Promise<void> {
    await this.decide.execute(event);
  }
}
