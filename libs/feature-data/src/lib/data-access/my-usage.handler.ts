import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type MyDataUsageReply, type MyDataUsageRequest, Topic } from '@gmp/contracts';
import { ReadMyUsage } from './usecases/read-my-usage/read-my-usage.usecase.js';

/** data.my-usage over Kafka (or in process): the signed-in person's own data-use log. */
@Controller()
export class MyUsageHandler {
  constructor(private readonly myUsage: ReadMyUsage) {}

  @MessagePattern(Topic.DataMyUsage)
  read(@Payload() r: MyDataUsageRequest): Promise<MyDataUsageReply> {
    return this.myUsage.execute(r.meta, r.input.limit, r.input.company);
  }
}
