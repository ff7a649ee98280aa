import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type CheckAgentReply, type CheckAgentRequest, Topic, type VerifyRealNameReply, type VerifyRealNameRequest } from '@gmp/contracts';
import { AgentsService } from './agents.service.js';

/** Identity operations published as capabilities (request-reply over Kafka, through dispatch). */
@Controller()
export class IdentityHandler {
  constructor(private readonly agents: AgentsService) {}

  @MessagePattern(Topic.IdentityVerifyRealName)
  verifyRealName(@Payload() request: VerifyRealNameRequest): Promise<VerifyRealNameReply> {
    return this.agents.verifyRealName(request.input.name, request.input.idNumber);
  }

  @MessagePattern(Topic.IdentityCheckAgent)
  checkAgent(@Payload() request: CheckAgentRequest): Promise<CheckAgentReply> {
    return this.agents.check(request.input);
  }
}
