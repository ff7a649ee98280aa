import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DryRunTagReply, PublishTagReply, type TagRuleInput, Topic, validateMessage } from '@gmp/contracts';
import { CapabilityClient, ProviderError } from '@gmp/messaging';
import { PolicyProblem } from './policies.problems.js';

/** A scan over every subject's profile may take a while (up to 100,000 subjects). */
const SCAN_TIMEOUT_MS = 60_000;

/**
 * A policy's eligibility rule, run where the profiles are: the data platform's tags
 * (data.tag.dry-run.v1, data.tag.publish.v1). The data platform records the scan in each
 * subject's "who used my data" as bulk processing, with the purpose given.
 */
@Injectable()
export class PolicyRulesClient {
  constructor(private readonly capabilities: CapabilityClient) {}

  dryRun(by: string, input: TagRuleInput): Promise<DryRunTagReply> {
    return this.call(Topic.DataTagDryRun, DryRunTagReply, by, input);
  }

  publish(by: string, input: TagRuleInput): Promise<PublishTagReply> {
    return this.call(Topic.DataTagPublish, PublishTagReply, by, input);
  }

  private async call<T extends object>(topic: Topic, reply: new () => T, by: string, input: TagRuleInput): Promise<T> {
    const id = randomUUID();
    let answer: unknown;
    try {
      answer = await this.capabilities.request(
        topic,
        input.tagCode,
        {
          meta: { messageId: id, correlationId: id, app: 'business-platform', endUser: by.slice(0, 128), sentAt: new Date().toISOString() },
          input,
        },
        SCAN_TIMEOUT_MS,
      );
    } catch (err) {
      if (err instanceof ProviderError && err.error?.reason === 'RULE_INVALID') throw PolicyProblem.RULE_INVALID(err.error.message);
      throw PolicyProblem.DATA_PLATFORM_UNAVAILABLE(err instanceof Error ? err.message.slice(0, 300) : undefined);
    }
    const checked = validateMessage(reply, answer);
    if (!checked.ok) throw PolicyProblem.DATA_PLATFORM_UNAVAILABLE('应答不合规 (bad answer)');
    return checked.value;
  }
}
