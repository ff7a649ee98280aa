import { Global, Module } from '@nestjs/common';
import { AccountsService, IdentityProviderModule } from '@gmp/tech-identity';
import { INBOX_SUBJECTS, type InboxSubjects } from '@gmp/tech-notification';

/**
 * The inbox (notification) learns a person account's subject key from identity, in process:
 * messages addressed to the person (`subject:<key>`) show in their inbox, whether they had an
 * account when the message was sent or opened one later.
 */
@Global()
@Module({
  imports: [IdentityProviderModule],
  providers: [
    {
      provide: INBOX_SUBJECTS,
      useFactory: (accounts: AccountsService): InboxSubjects => ({ keyOf: async (id) => (await accounts.find(id))?.idKey ?? null }),
      inject: [AccountsService],
    },
  ],
  exports: [INBOX_SUBJECTS],
})
export class InboxSubjectsModule {}
