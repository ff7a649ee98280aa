import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CallMeta } from './call-meta.message.js';

/** Capability input: 消息通知 — send a templated SMS, e-mail or in-app message. */
export class SendNotificationInput {
  @IsIn(['sms', 'email', 'in-app']) channel!: 'sms' | 'email' | 'in-app';
  /** Mobile number (sms), e-mail address, or (in-app) an account id — or `subject:<subject key>`: the person, in their inbox once they sign in. */
  @IsString() @Length(3, 254) to!: string;
  @Matches(/^[a-z][a-z0-9-]{1,63}$/, { message: 'template 须为模板编码 (a template code)' }) template!: string;
  /** Values of the template's placeholders (strings; checked against the template). */
  @IsObject() params!: Record<string, string>;
  /**
   * Sent once per key and calling app: a retry with the same key (after a lost answer, a crash)
   * answers the first notification instead of sending another.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{8,128}$/, { message: 'dedupKey 为 8–128 个字母、数字或 _.:- (8–128 letters, digits or _.:-)' })
  dedupKey?: string;
}

export class SendNotificationRequest {
  @IsDefined() @ValidateNested() @Type(() => CallMeta) meta!: CallMeta;
  @IsDefined() @ValidateNested() @Type(() => SendNotificationInput) input!: SendNotificationInput;
}

/** Accepted for delivery: the id to ask for its status; sending happens after the answer (outbox). */
export class SendNotificationReply {
  @IsString() id!: string;
  @IsIn(['pending']) status!: 'pending';
}
