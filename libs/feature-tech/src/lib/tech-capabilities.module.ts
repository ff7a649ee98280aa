import { Module } from '@nestjs/common';
import { ArchiveModule } from '@gmp/tech-archive';
import { CalendarModule } from '@gmp/tech-calendar';
import { FileStoreModule } from '@gmp/tech-files';
import { IdentityProviderModule, TokenVerificationModule } from '@gmp/tech-identity';
import { LicenceModule } from '@gmp/tech-licence';
import { NotificationModule } from '@gmp/tech-notification';
import { SealModule } from '@gmp/tech-seal';
import { InboxSubjectsModule } from './inbox-subjects.module.js';
import { CapabilityAnnouncerService } from './registry/capability-announcer.service.js';

/**
 * 技术中台: the capability modules served by tech-capabilities, each from its own library
 * (libs/tech/*), composed; and the announcement of their contracts to dispatch's registry.
 */
@Module({
  imports: [
    TokenVerificationModule,
    IdentityProviderModule,
    InboxSubjectsModule,
    LicenceModule,
    SealModule,
    NotificationModule,
    FileStoreModule,
    ArchiveModule,
    CalendarModule,
  ],
  providers: [CapabilityAnnouncerService],
})
export class TechCapabilitiesModule {}
