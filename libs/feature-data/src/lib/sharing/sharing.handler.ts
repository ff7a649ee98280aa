import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type DataExistsReply,
  type DataExistsRequest,
  type DataItemReply,
  type DataItemRequest,
  type DataPrefillReply,
  type DataPrefillRequest,
  type DataReadReply,
  type DataReadRequest,
  Topic,
} from '@gmp/contracts';
import { PrefillForm } from './usecases/prefill-form/prefill-form.usecase.js';
import { ReadSharedData } from './usecases/read-shared-data/read-shared-data.usecase.js';

/** The data services' Kafka (or in-process) entry: data.read, data.exists, data.item, data.prefill (messages arrive validated). */
@Controller()
export class SharingHandler {
  constructor(
    private readonly data: ReadSharedData,
    private readonly prefillForm: PrefillForm,
  ) {}

  @MessagePattern(Topic.DataRead)
  read(@Payload() r: DataReadRequest): Promise<DataReadReply> {
    return this.data.read(r.meta, r.input);
  }

  @MessagePattern(Topic.DataExists)
  exists(@Payload() r: DataExistsRequest): Promise<DataExistsReply> {
    return this.data.exists(r.meta, r.input);
  }

  @MessagePattern(Topic.DataPrefill)
  prefill(@Payload() r: DataPrefillRequest): Promise<DataPrefillReply> {
    return this.prefillForm.execute(r.meta, r.input);
  }

  @MessagePattern(Topic.DataItem)
  item(@Payload() r: DataItemRequest): Promise<DataItemReply> {
    return this.data.item(r.meta, r.input);
  }
}
