import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { quoteTablePath } from '@gmp/messaging';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import type { UpdateCycle } from '../catalogue/catalogue.dto.js';
import { DataRecord, DataRecordHistory, QuarantineEntry } from './ingestion.entities.js';

/** The longest a resource may go without a new record and still be fresh, by its update cycle (irregular: never stale). */
const MAX_AGE_DAYS: Readonly<Record<UpdateCycle, number | null>> = {
  realtime: 1,
  daily: 2,
  weekly: 8,
  monthly: 32,
  quarterly: 93,
  yearly: 366,
  irregular: null,
};

export interface DepartmentQuality {
  department: string;
  /** Versions stored (first records and changes). */
  stored: number;
  /** Records quarantined on arrival (whatever happened to them since). */
  quarantined: number;
  /** Quarantine entries still open. */
  open: number;
  /** quarantined / (stored + quarantined), 0–1. */
  errorRate: number;
  lastReceivedAt: string | null;
}

export interface QualityReport {
  resourceCode: string;
  version: number;
  updateCycle: UpdateCycle;
  records: number;
  /** Share of the non-key items filled in the current records, 0–1 (null without records). */
  completeness: number | null;
  /** Whether the newest record is within the update cycle (null for irregular resources or without records). */
  fresh: boolean | null;
  departments: DepartmentQuality[];
  at: string;
}

/** 数据质量报告: per resource and department — completeness, error rate, freshness against the update cycle. */
@Injectable()
export class QualityReportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
  ) {}

  async report(code: string): Promise<QualityReport> {
    const { resource } = await this.catalogue.require(code);
    const t = (e: new () => object) => quoteTablePath(this.dataSource.getMetadata(e).tablePath);
    const items = resource.definition.items.map((i) => i.code).filter((c) => c !== resource.definition.keyItem);
    const [current] = (await this.dataSource.query(
      `SELECT count(*)::int AS records,
              avg((SELECT count(*) FROM jsonb_each(r."values") v WHERE v.key = ANY($2) AND v.value <> 'null'::jsonb AND v.value <> '""'::jsonb)::float / GREATEST($3, 1)) AS completeness,
              max(received_at) AS last
         FROM ${t(DataRecord)} r WHERE resource_code = $1`,
      [code, items, items.length],
    )) as { records: number; completeness: number | null; last: Date | null }[];
    const stored = (await this.dataSource.query(
      `SELECT source_department AS department, count(*)::int AS n, max(received_at) AS last FROM ${t(DataRecordHistory)} WHERE resource_code = $1 GROUP BY 1`,
      [code],
    )) as { department: string; n: number; last: Date }[];
    const quarantined = (await this.dataSource.query(
      `SELECT department, count(*)::int AS n, (count(*) FILTER (WHERE status = 'open'))::int AS open FROM ${t(QuarantineEntry)} WHERE resource_code = $1 GROUP BY 1`,
      [code],
    )) as { department: string; n: number; open: number }[];
    const departments = [...new Set([...stored.map((s) => s.department), ...quarantined.map((q) => q.department)])]
      .sort()
      .map((department) => {
        const s = stored.find((x) => x.department === department);
        const q = quarantined.find((x) => x.department === department);
        const [ok, bad] = [s?.n ?? 0, q?.n ?? 0];
        return {
          department,
          stored: ok,
          quarantined: bad,
          open: q?.open ?? 0,
          errorRate: ok + bad === 0 ? 0 : Math.round((bad / (ok + bad)) * 10_000) / 10_000,
          lastReceivedAt: s?.last ? s.last.toISOString() : null,
        };
      });
    const maxAge = MAX_AGE_DAYS[resource.definition.updateCycle];
    const now = new Date();
    return {
      resourceCode: code,
      version: resource.version,
      updateCycle: resource.definition.updateCycle,
      records: current?.records ?? 0,
      completeness:
        current?.completeness === null || current?.completeness === undefined ? null : Math.round(current.completeness * 10_000) / 10_000,
      fresh: maxAge === null || !current?.last ? null : now.getTime() - current.last.getTime() <= maxAge * 86_400_000,
      departments,
      at: now.toISOString(),
    };
  }
}
