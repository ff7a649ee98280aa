import type {
  ArchiveDepositInput,
  ArchiveDepositReply,
  ArchiveVerifyInput,
  ArchiveVerifyReply,
  SendNotificationInput,
  SendNotificationReply,
} from '@gmp/contracts';
import type { CallContext, DispatchClient } from '@gmp/dispatch-client';

/** Notifications (消息通知) through dispatch, typed. */
export class NotificationClient {
  constructor(private readonly dispatch: DispatchClient) {}

  send(input: SendNotificationInput, context?: CallContext): Promise<SendNotificationReply> {
    return this.dispatch.invoke('notification.send', input, context);
  }
}

/** E-archive (电子档案) through dispatch, typed. */
export class EArchiveClient {
  constructor(private readonly dispatch: DispatchClient) {}

  deposit(input: ArchiveDepositInput, context?: CallContext): Promise<ArchiveDepositReply> {
    return this.dispatch.invoke('archive.deposit', input, context);
  }

  verify(input: ArchiveVerifyInput, context?: CallContext): Promise<ArchiveVerifyReply> {
    return this.dispatch.invoke('archive.verify', input, context);
  }
}
