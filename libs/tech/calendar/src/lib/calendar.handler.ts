import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type CalendarCountReply,
  type CalendarCountRequest,
  type CalendarDeadlineReply,
  type CalendarDeadlineRequest,
  Topic,
} from '@gmp/contracts';
import { ComputeDeadline } from './usecases/compute-deadline/compute-deadline.usecase.js';
import { CountWorkingDays } from './usecases/count-working-days/count-working-days.usecase.js';

/** Working-day calendar capabilities over Kafka (through dispatch); messages arrive validated against their contracts. */
@Controller()
export class CalendarHandler {
  constructor(
    private readonly computeDeadline: ComputeDeadline,
    private readonly countWorkingDays: CountWorkingDays,
  ) {}

  @MessagePattern(Topic.CalendarDeadline)
  deadline(@Payload() request: CalendarDeadlineRequest): Promise<CalendarDeadlineReply> {
    return this.computeDeadline.execute(request.input);
  }

  @MessagePattern(Topic.CalendarCount)
  count(@Payload() request: CalendarCountRequest): Promise<CalendarCountReply> {
    return this.countWorkingDays.execute(request.input);
  }
}
