import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type CapabilitiesAnnouncedEvent, Topic } from '@gmp/contracts';
import { CapabilityRegistryService } from './capability-registry.service.js';

/** Providers' announcements (validated against their contract before they arrive here) → the registry. */
@Controller()
export class CapabilityRegistryHandler {
  constructor(private readonly registry: CapabilityRegistryService) {}

  @EventPattern(Topic.CapabilitiesAnnounced)
  onAnnounced(@Payload() event: CapabilitiesAnnouncedEvent): Promise<void> {
    return this.registry.announce(event);
  }
}
