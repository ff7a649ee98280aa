import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type CallMeta, PopulationVerifyReply, subjectKeyOf, Topic, validateMessage, type VerifyRealNameReply } from '@gmp/contracts';
import { CapabilityClient, derivedEventId, ProviderTimeoutError } from '@gmp/messaging';
import { ServiceConfig } from '@gmp/service-kit';
import { PersonAccount } from './person-account.entity.js';
import { IdentityProblem } from './identity.problems.js';

/** How long a real-name check waits for the population base library: under the capability's own 3 s, so callers get a clear 503 rather than a timeout. */
export const POPULATION_TIMEOUT_MS = 2000;

/**
 * Real-name check (实名核验) against the data platform's population base library (人口基础库)
 * over request-reply; the caller's who-and-why travels with it, so the person's "who used my
 * data" view shows the check. A matching platform account adds its level of assurance.
 */
@Injectable()
export class RealNameService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly capabilities: CapabilityClient,
  ) {}

  async verify(meta: CallMeta, name: string, idNumber: string): Promise<VerifyRealNameReply> {
    const answer = await this.askPopulationBase(meta, name, idNumber);
    const match = answer.result === 'MATCH' && answer.status === 'normal';
    const reason = answer.result !== 'MATCH' ? answer.result : answer.status !== 'normal' ? 'NOT_ALIVE_OR_CANCELLED' : undefined;
    const account = match
      ? await this.dataSource.getRepository(PersonAccount).findOneBy({ idKey: subjectKeyOf(idNumber, this.config.SUBJECT_KEY_SECRET) })
      : null;
    return {
      match,
      source: 'population-base',
      ...(reason ? { reason } : {}),
      ...(account ? { assuranceLevel: account.assuranceLevel } : {}),
    };
  }

  private async askPopulationBase(meta: CallMeta, name: string, idNumber: string): Promise<PopulationVerifyReply> {
    // A new message (its own id, derived so that a replayed check is recorded once) carrying the caller's who-and-why.
    const request = {
      meta: { ...meta, messageId: derivedEventId(meta.messageId, 'population-verify'), sentAt: new Date().toISOString() },
      input: { name, idNumber },
    };
    let reply: unknown;
    try {
      reply = await this.capabilities.request(Topic.DataPopulationVerify, null, request, POPULATION_TIMEOUT_MS);
    } catch (err) {
      throw IdentityProblem.POPULATION_BASE_UNAVAILABLE(
        err instanceof ProviderTimeoutError ? '未在时限内应答 (no answer in time)' : undefined,
      );
    }
    const checked = validateMessage(PopulationVerifyReply, reply);
    if (!checked.ok) throw IdentityProblem.POPULATION_BASE_BAD_ANSWER();
    return checked.value;
  }
}
