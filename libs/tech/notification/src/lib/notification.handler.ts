import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type SendNotificationReply, type SendNotificationRequest, Topic } from '@gmp/contracts';
import { NotificationService } from './notification.service.js';

/** The notification capability over Kafka (through dispatch); messages arrive validated. */
@Controller()
export class NotificationHandler {
  constructor(private readonly notifications: NotificationService) {}

  @MessagePattern(Topic.NotificationSend)
  send(@Payload() request: SendNotificationRequest): Promise<SendNotificationReply> {
    return this.notifications.enqueue({ ...request.input, app: request.meta.app, correlationId: request.meta.correlationId });
  }
}
