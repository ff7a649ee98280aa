import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type SealPdfReply,
  type SealPdfRequest,
  type SealSignDataReply,
  type SealSignDataRequest,
  type SealVerifyReply,
  type SealVerifyRequest,
  Topic,
} from '@gmp/contracts';
import { SealService } from './seal.service.js';

/** Electronic-seal capabilities over Kafka (through dispatch); messages arrive validated. */
@Controller()
export class SealHandler {
  constructor(private readonly seals: SealService) {}

  @MessagePattern(Topic.SealSignData)
  signData(@Payload() request: SealSignDataRequest): Promise<SealSignDataReply> {
    return this.seals.signData(request.meta, request.input);
  }

  @MessagePattern(Topic.SealPdf)
  sealPdf(@Payload() request: SealPdfRequest): Promise<SealPdfReply> {
    return this.seals.sealPdf(request.meta, request.input);
  }

  @MessagePattern(Topic.SealVerify)
  verify(@Payload() request: SealVerifyRequest): Promise<SealVerifyReply> {
    return this.seals.verify(request.input);
  }
}
