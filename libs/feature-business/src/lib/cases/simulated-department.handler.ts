import { randomUUID } from 'node:crypto';
import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type CasePartDecidedEvent, type CasePartDispatchedEvent, Topic } from '@gmp/contracts';
import { OutboxService } from '@gmp/messaging';
import { BusinessConfig } from '../business.config.js';

/**
 * The built-in simulated department (模拟部门, BUSINESS_SIMULATED_DEPARTMENTS): answers every
 * dispatched part as a department system would — over Kafka, with the same decided event —
 * after BUSINESS_SIMULATED_DELAY_MS, rejecting BUSINESS_SIMULATED_REJECT_RATE of them. Its outputs
 * are references only (no licence is issued); departments in BUSINESS_SIMULATED_EXCEPT are left to
 * their own systems. For demos, tests and benchmarks; off by default.
 */
@Controller()
export class SimulatedDepartmentHandler {
  private readonly log = new Logger('SimulatedDepartment');

  constructor(
    private readonly settings: BusinessConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  @EventPattern(Topic.BusinessPartDispatched)
  async onDispatched(@Payload() part: CasePartDispatchedEvent): Promise<void> {
    if (!this.settings.BUSINESS_SIMULATED_DEPARTMENTS) return;
    if (
      this.settings.BUSINESS_SIMULATED_EXCEPT.split(',')
        .map((d) => d.trim())
        .includes(part.department)
    )
      return;
    if (this.settings.BUSINESS_SIMULATED_DELAY_MS > 0) await new Promise((r) => setTimeout(r, this.settings.BUSINESS_SIMULATED_DELAY_MS));
    const rejected = Math.random() < this.settings.BUSINESS_SIMULATED_REJECT_RATE;
    const event: CasePartDecidedEvent = {
      // One decision per dispatched part, whatever the redeliveries: the event id is the part's.
      meta: {
        messageId: part.partId,
        correlationId: part.meta.correlationId,
        app: 'simulated-department',
        sentAt: new Date().toISOString(),
      },
      partId: part.partId,
      caseNo: part.caseNo,
      matterCode: part.matterCode,
      department: part.department,
      decision: rejected ? 'rejected' : 'approved',
      ...(rejected
        ? { reason: '模拟部门随机退件 (the simulated department refused it at random)' }
        : { outputs: [{ code: `${part.matterCode.slice(-7)}-OUT`, reference: `SIM-${randomUUID().slice(0, 8)}` }] }),
      decidedAt: new Date().toISOString(),
    };
    await this.dataSource
      .transaction((m) => this.outbox.enqueue(m, Topic.BusinessPartDecided, part.caseNo, event))
      .catch((err: { code?: string }) => {
        if (err.code !== '23505') throw err; // already answered (a redelivery)
      });
    this.outbox.wake();
    this.log.debug?.(`模拟部门已答复 (simulated department answered) ${part.caseNo} ${part.matterCode}: ${event.decision}`);
  }
}
