import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboxController, NotificationController } from './notification.controller.js';
import { NotificationHandler } from './notification.handler.js';
import { NOTIFICATION_ENTITIES } from './notification.schema.js';
import { NotificationService } from './notification.service.js';

/** 消息通知 (notifications): SMS, e-mail and the in-app inbox, with retries and templates. */
@Module({
  imports: [TypeOrmModule.forFeature(NOTIFICATION_ENTITIES)],
  controllers: [NotificationHandler, NotificationController, InboxController],
  providers: [NotificationService],
  exports: [NotificationService],
})
export class NotificationModule {}
