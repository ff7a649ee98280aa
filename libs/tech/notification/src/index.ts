// 消息通知 (notifications): what other modules and the service definition may use. Everything else is internal.
export { NotificationModule } from './lib/notification.module.js';
export { NOTIFICATION_ENTITIES, NOTIFICATION_MIGRATIONS } from './lib/notification.schema.js';
export { NotificationConfig } from './lib/notification.config.js';
export { NotificationService } from './lib/notification.service.js';
export { INBOX_SUBJECTS, type InboxSubjects } from './lib/inbox-subjects.js';
