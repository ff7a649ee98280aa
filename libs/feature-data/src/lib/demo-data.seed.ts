import { randomUUID } from 'node:crypto';
import { tagScanPurpose } from './tags/tags.dto.js';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DEMO_CITIZENS, DEMO_COMPANIES } from '@gmp/gov-standards';
import { ServiceConfig } from '@gmp/service-kit';
import { DemoCatalogueSeed } from './catalogue/demo-catalogue.seed.js';
import { IngestRecord } from './ingestion/usecases/ingest-record/ingest-record.usecase.js';
import { PublishTag } from './tags/usecases/publish-tag/publish-tag.usecase.js';
import { CatalogueService } from './catalogue/catalogue.service.js';
import { DataShare } from './sharing/sharing.entities.js';
import { ApplyForShare } from './sharing/usecases/apply-for-share/apply-for-share.usecase.js';
import { DecideShare } from './sharing/usecases/decide-share/decide-share.usecase.js';

const PREFILL_PURPOSE = '高效办成一件事：申请表单免填写 (prefill of 一件事 application forms)';

/**
 * The business platform's grants (SEED_DEMO), in plain values as their owners approved: it
 * prefills the forms of 一件事 applications (免填写) from the population and legal-person base
 * libraries, and checks fire-safety commitments afterwards (告知承诺事后核查) against the fire
 * inspections.
 */
const BUSINESS_GRANTS: readonly { resource: string; purpose: string; items?: string[] }[] = [
  { resource: 'JS-GA-RK-0001', purpose: PREFILL_PURPOSE },
  { resource: 'JS-SJ-FR-0001', purpose: PREFILL_PURPOSE },
  // A yes-or-no check needs only the items it matches on: the result and the premises.
  {
    resource: 'JS-XF-JC-0001',
    purpose: '告知承诺事后核查：消防安全承诺是否经现场检查合格 (post-verification of fire-safety commitments)',
    items: ['jcjg', 'csdz'],
  },
];

/** A demo family for 新生儿出生: 李四 and 王五, and their newborn (born a week before the first start). */
const [zhang, li, wang] = DEMO_CITIZENS;
const [tech, food] = DEMO_COMPANIES;
const SEEDED_AT = '2026-01-01T00:00:00+08:00';

/** The demo tag the business platform's 免申即享 listens for: parents named on a birth certificate of the last year. */
export const DEMO_NEWBORN_TAG = {
  code: 'newborn-family',
  name: '新生儿家庭',
  rule: "'JS-WJ-CS-0001' in profile.mentions && profile.mentions['JS-WJ-CS-0001'].exists(b, timestamp(b.cssj) > timestamp(now) - duration('8760h'))",
};

/**
 * With SEED_DEMO on: the demo catalogue, then records through the same checks as any department's
 * (population of the demo citizens, a newborn's birth certificate naming 王五 and 李四, the demo
 * companies with their legal representatives, a credit record, fire inspections, administrative divisions), then
 * the 新生儿家庭 tag — so the business platform's bundles and 免申即享 have data to work on.
 * Idempotent: a second start changes nothing.
 */
@Injectable()
export class DemoDataSeed implements OnApplicationBootstrap {
  private readonly log = new Logger('DemoDataSeed');

  constructor(
    private readonly config: ServiceConfig,
    private readonly catalogue: DemoCatalogueSeed,
    private readonly ingest: IngestRecord,
    private readonly tags: PublishTag,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogueService: CatalogueService,
    private readonly apply: ApplyForShare,
    private readonly decide: DecideShare,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    await this.catalogue.seed();
    const born = new Date(Date.now() - 7 * 86_400_000);
    const records: [string, string, Record<string, unknown>][] = [
      [
        'JS-GA-RK-0001',
        '省公安厅',
        { sfzh: zhang.id, xm: zhang.name, xb: '1', csrq: '1949-12-31', mz: '01', hjdz: '北京市朝阳区示例路1号', hjzt: 'normal' },
      ],
      [
        'JS-GA-RK-0001',
        '省公安厅',
        { sfzh: li.id, xm: li.name, xb: '1', csrq: '1990-03-07', mz: '01', hjdz: '南京市玄武区珠江路88号', hjzt: 'normal' },
      ],
      [
        'JS-GA-RK-0001',
        '省公安厅',
        { sfzh: wang.id, xm: wang.name, xb: '2', csrq: '1985-11-20', mz: '01', hjdz: '南京市玄武区珠江路88号', hjzt: 'normal' },
      ],
      [
        'JS-WJ-CS-0001',
        '省卫生健康委员会',
        {
          zmbh: 'Q320000001',
          xsexm: '李小宝',
          xb: '1',
          cssj: born.toISOString(),
          mqsfzh: wang.id,
          fqsfzh: li.id,
          qfrq: born.toISOString().slice(0, 10),
        },
      ],
      ['JS-SJ-FR-0001', '江苏省市场监督管理局', { tyshxydm: tech.id, mc: tech.name, fddbr: zhang.name, clrq: '2019-06-18', zczb: 1000 }],
      ['JS-SJ-FR-0001', '江苏省市场监督管理局', { tyshxydm: food.id, mc: food.name, fddbr: wang.name, clrq: '2021-09-01', zczb: 50 }],
      [
        'JS-FGW-XY-0001',
        '江苏省发展和改革委员会',
        { mdbh: 'RED-2026-0001', tyshxydm: tech.id, mdlx: 'red', lrrq: '2026-03-15', lryy: 'A级纳税人', yxqz: '2027-03-14' },
      ],
      // The demo restaurant's premises passed their fire inspection; the demo tech company's failed.
      ['JS-XF-JC-0001', '江苏省消防救援总队', { tyshxydm: food.id, csdz: '南京市玄武区中山路18号', jcjg: 'pass', jcrq: '2026-02-10' }],
      ['JS-XF-JC-0001', '江苏省消防救援总队', { tyshxydm: tech.id, csdz: '南京市建邺区江东中路99号', jcjg: 'fail', jcrq: '2026-02-12' }],
      ['JS-MZ-QH-0001', '省民政厅', { qhdm: '320000', mc: '江苏省', jb: 'province' }],
      ['JS-MZ-QH-0001', '省民政厅', { qhdm: '320100', mc: '南京市', jb: 'city', sjdm: '320000' }],
      ['JS-MZ-QH-0001', '省民政厅', { qhdm: '320102', mc: '玄武区', jb: 'county', sjdm: '320100' }],
      ['JS-MZ-QH-0001', '省民政厅', { qhdm: '320500', mc: '苏州市', jb: 'city', sjdm: '320000' }],
      ['JS-MZ-QH-0001', '省民政厅', { qhdm: '320506', mc: '吴中区', jb: 'county', sjdm: '320500' }],
    ];
    let stored = 0;
    for (const [resourceCode, department, record] of records) {
      const outcome = await this.ingest.execute({ resourceCode, department, updatedAt: SEEDED_AT, record, origin: 'http' });
      if (outcome.status === 'quarantined')
        this.log.warn(`演示记录未通过校验 (demo record quarantined) ${resourceCode}: ${JSON.stringify(outcome.reasons)}`);
      if (outcome.status === 'stored') stored++;
    }
    for (const { resource: code, purpose, items } of BUSINESS_GRANTS) {
      if (await this.dataSource.getRepository(DataShare).existsBy({ appKey: 'business-platform', resourceCode: code })) continue;
      const { resource } = await this.catalogueService.require(code);
      const applied = await this.apply.execute(
        {
          resourceCode: code,
          applicantDepartment: '省政务服务管理办公室',
          appKey: 'business-platform',
          items: items ?? resource.definition.items.map((i) => i.code),
          purpose,
          legalBasis: '《国务院关于加快推进政务服务标准化规范化便利化的指导意见》 (demo)',
          validDays: 1095,
          plainValues: true,
        },
        'demo-seed',
      );
      if (applied.status === 'pending')
        await this.decide.execute(applied.id, { department: resource.providerDepartment, approve: true, plainValues: true }, 'demo-seed');
    }
    const scanId = randomUUID();
    const tag = await this.tags.execute(DEMO_NEWBORN_TAG.code, DEMO_NEWBORN_TAG, 'demo-seed', {
      meta: { messageId: scanId, correlationId: scanId, app: 'demo-seed', sentAt: new Date().toISOString() },
      purpose: tagScanPurpose(DEMO_NEWBORN_TAG.code),
    });
    if (stored > 0 || tag.changed) this.log.log(`演示数据已归集 (demo records stored): ${stored}; 标签 ${tag.code} v${tag.version}`);
  }
}
