import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type DataTagChangedEvent, Topic } from '@gmp/contracts';
import { OfferPolicies } from './usecases/offer-policies/offer-policies.usecase.js';
import { FollowUpOffers } from './usecases/follow-up-offers/follow-up-offers.usecase.js';

/** Tags gained and lost, from the data platform (messages arrive validated; a malformed one is dead-lettered). */
@Controller()
export class PoliciesHandler {
  constructor(
    private readonly offer: OfferPolicies,
    private readonly followUp: FollowUpOffers,
  ) {}

  @EventPattern(Topic.DataTagChanged)
  async onTagChanged(@Payload() event: DataTagChangedEvent): Promise<void> {
    // A new offer: the person told, or an apply-free policy's case opened, after this commit (not inside the event's transaction).
    if ((await this.offer.execute(event)) > 0 && event.change === 'gained') this.followUp.wake();
  }
}
