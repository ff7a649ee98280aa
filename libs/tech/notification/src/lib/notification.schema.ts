import { InboxMessage } from './inbox-message.entity.js';
import { Notification } from './notification.entity.js';
import { CreateNotifications1763801000000 } from './migrations/1763801000000-create-notifications.migration.js';
import { NotificationDedupKeys1763802700000 } from './migrations/1763802700000-notification-dedup-keys.migration.js';
import { InboxSubjectRecipients1763802800000 } from './migrations/1763802800000-inbox-subject-recipients.migration.js';

/** The tables the notification module owns; no other module reads or writes them. */
export const NOTIFICATION_ENTITIES = [Notification, InboxMessage];

/** Its migrations, each with up and down. */
export const NOTIFICATION_MIGRATIONS = [
  CreateNotifications1763801000000,
  NotificationDedupKeys1763802700000,
  InboxSubjectRecipients1763802800000,
];
