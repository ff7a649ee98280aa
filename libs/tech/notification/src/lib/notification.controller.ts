import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, In } from 'typeorm';
import { SendNotificationInput } from '@gmp/contracts';
import { AccessTokenGuard, CurrentPrincipal, type Principal } from '@gmp/identity';
import { Caller, InternalApiGuard, RequireServiceCaller } from '@gmp/service-kit';
import { currentContext } from '@gmp/observability';
import { InboxMessage } from './inbox-message.entity.js';
import { INBOX_SUBJECTS, type InboxSubjects } from './inbox-subjects.js';
import { NotificationService } from './notification.service.js';
import { NotificationProblem } from './notification.problems.js';

/** Notifications for services inside the platform (X-Internal-Token); business lines use the `notification.send` capability. */
@ApiTags('notifications 消息通知 (internal)')
@Controller('internal/v1/notifications')
@UseGuards(InternalApiGuard)
export class NotificationController {
  constructor(private readonly notifications: NotificationService) {}

  @RequireServiceCaller()
  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: '发送通知 (queue a templated notification)' })
  send(@Body() input: SendNotificationInput, @Caller() caller: string) {
    return this.notifications.enqueue({ ...input, app: caller, correlationId: currentContext()?.correlationId ?? 'internal' });
  }

  @Get(':id')
  @ApiOperation({ summary: '通知状态 (delivery status; never the recipient in clear or the parameters)' })
  async status(@Param('id', new ParseUUIDPipe()) id: string) {
    const status = await this.notifications.status(id);
    if (!status) throw NotificationProblem.UNKNOWN_NOTIFICATION(id);
    return status;
  }
}

const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A signed-in person's in-app messages (站内信): to their account, and to them as a person (by subject key). */
@ApiTags('notifications 消息通知')
@ApiBearerAuth()
@Controller('v1/me/messages')
@UseGuards(AccessTokenGuard)
export class InboxController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(INBOX_SUBJECTS) private readonly subjects: InboxSubjects,
  ) {}

  /** Where the principal's messages are addressed: their account, and — for a person account — their subject key. */
  private async recipients(who: Principal): Promise<string[]> {
    const key = ACCOUNT_ID.test(who.subject) ? await this.subjects.keyOf(who.subject) : null;
    return key ? [who.subject, `subject:${key}`] : [who.subject];
  }

  @Get()
  @ApiOperation({ summary: '我的站内信 (my in-app messages, newest first)' })
  async list(@CurrentPrincipal() who: Principal) {
    const messages = await this.dataSource
      .getRepository(InboxMessage)
      .find({ where: { subject: In(await this.recipients(who)) }, order: { createdAt: 'DESC' }, take: 100 });
    return { messages: messages.map((m) => ({ id: m.id, title: m.title, body: m.body, read: m.readAt !== null, createdAt: m.createdAt })) };
  }

  @Post(':id/read')
  @HttpCode(204)
  @ApiOperation({ summary: '标记已读 (mark as read)' })
  async read(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() who: Principal): Promise<void> {
    const res = await this.dataSource
      .getRepository(InboxMessage)
      .update({ id, subject: In(await this.recipients(who)) }, { readAt: new Date() });
    if (!res.affected) throw NotificationProblem.UNKNOWN_MESSAGE(id);
  }
}
