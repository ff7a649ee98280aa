import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { PlatformMetrics } from '@gmp/service-kit';
import { BizCase, BizCasePart } from './cases.entities.js';

/** The business platform's series on /metrics: cases by status, and parts by department and status (read at each scrape). */
@Injectable()
export class CaseMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: PlatformMetrics,
    @InjectRepository(BizCase) private readonly cases: Repository<BizCase>,
    @InjectRepository(BizCasePart) private readonly parts: Repository<BizCasePart>,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge('gmp_business_cases', 'Cases by status', ['status'], async (set) => {
      const rows = await this.cases
        .createQueryBuilder('c')
        .select('c.status', 'status')
        .addSelect('count(*)::int', 'n')
        .groupBy('c.status')
        .getRawMany<{ status: string; n: number }>();
      for (const r of rows) set({ status: r.status }, Number(r.n));
    });
    this.metrics.gauge('gmp_business_case_parts', 'Parts of cases by department and status', ['department', 'status'], async (set) => {
      const rows = await this.parts
        .createQueryBuilder('p')
        .select('p.department', 'department')
        .addSelect('p.status', 'status')
        .addSelect('count(*)::int', 'n')
        .groupBy('p.department')
        .addGroupBy('p.status')
        .getRawMany<{ department: string; status: string; n: number }>();
      for (const r of rows) set({ department: r.department, status: r.status }, Number(r.n));
    });
  }
}
