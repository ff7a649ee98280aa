import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type DataTagChangedEvent, Topic } from '@gmp/contracts';
import { OfferPolicies } from './usecases/offer-policies/offer-policies.usecase.js';
import { OpenApplyFreeCases } from './usecases/open-apply-free-cases/open-apply-free-cases.usecase.js';

/** Tags gained and lost, from the data platform (messages arrive validated; a malformed one is dead-lettered). */
@Controller()
export class PoliciesHandler {
  constructor(
    private readonly offer: OfferPolicies,
    private readonly applyFree: OpenApplyFreeCases,
  ) {}

  @EventPattern(Topic.DataTagChanged)
  async onTagChanged(@Payload() event: DataTagChangedEvent): Promise<void> {
    // A new offer of an apply-free policy: its case is opened after this commit (not inside the event's transaction).
    if ((await this.offer.execute(event)) > 0 && event.change === 'gained') this.applyFree.wake();
  }
}
