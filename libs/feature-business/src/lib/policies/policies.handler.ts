import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type DataTagChangedEvent, Topic } from '@gmp/contracts';
import { OfferPolicies } from './usecases/offer-policies/offer-policies.usecase.js';

/** Tags gained and lost, from the data platform (messages arrive validated; a malformed one is dead-lettered). */
@Controller()
export class PoliciesHandler {
  constructor(private readonly offer: OfferPolicies) {}

  @EventPattern(Topic.DataTagChanged)
  async onTagChanged(@Payload() event: DataTagChangedEvent): Promise<void> {
    await this.offer.execute(event);
  }
}
