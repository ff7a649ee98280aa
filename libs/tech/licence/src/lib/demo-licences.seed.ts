import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { subjectKeyOf } from '@gmp/contracts';
import { buildLicenceId, DEMO_CITIZENS, DEMO_COMPANIES, generateCreditCode } from '@gmp/gov-standards';
import { ServiceConfig } from '@gmp/service-kit';
import { DEMO_ISSUER_SEAL, DEMO_SEED_APP, DemoSealSeed } from '@gmp/tech-seal';
import { LicenceType } from './licence-type.entity.js';
import { Licence } from './licence.entity.js';
import { IssueLicence } from './usecases/issue-licence/issue-licence.usecase.js';

/** Defining authority of the demo licence types (the real code from GB/T 36904 examples). */
const DEFINER = '11100000000013338W';

/** 营业执照's data items, as a JSON Schema (what e-licence.issue checks; each `title` labels the item on the rendered licence). */
const BUSINESS_LICENCE_SCHEMA = {
  type: 'object',
  required: ['legalRepresentative', 'registeredCapital', 'businessScope'],
  additionalProperties: false,
  properties: {
    legalRepresentative: { title: '法定代表人', type: 'string', minLength: 1, maxLength: 64 },
    registeredCapital: { title: '注册资本', type: 'string', minLength: 1, maxLength: 32 },
    businessScope: { title: '经营范围', type: 'string', minLength: 1, maxLength: 512 },
    address: { title: '住所', type: 'string', maxLength: 256 },
  },
};

export const DEMO_LICENCE_TYPES: (Pick<LicenceType, 'code' | 'name' | 'holderType' | 'definingAuthorityName'> &
  Partial<Pick<LicenceType, 'dataSchema' | 'validityYears'>>)[] = [
  { code: `${DEFINER}032`, name: '出生医学证明', holderType: 'person', definingAuthorityName: '国家卫生健康委员会' },
  { code: `${DEFINER}011`, name: '结婚证', holderType: 'person', definingAuthorityName: '民政部' },
  { code: `${DEFINER}009`, name: '机动车驾驶证', holderType: 'person', definingAuthorityName: '公安部' },
  {
    code: `${DEFINER}041`,
    name: '营业执照',
    holderType: 'company',
    definingAuthorityName: '国家市场监督管理总局',
    dataSchema: BUSINESS_LICENCE_SCHEMA,
    validityYears: 20,
  },
  { code: `${DEFINER}052`, name: '食品经营许可证', holderType: 'company', definingAuthorityName: '国家市场监督管理总局' },
];

export { DEMO_CITIZENS, DEMO_COMPANIES } from '@gmp/gov-standards';

/** The demo companies' 营业执照 data items (照面信息), in DEMO_COMPANIES order. */
const DEMO_BUSINESS_LICENCE_DATA = [
  {
    legalRepresentative: '张三',
    registeredCapital: '100万元',
    businessScope: '软件开发；信息技术咨询服务',
    address: '南京市玄武区示例路1号',
  },
  { legalRepresentative: '李四', registeredCapital: '50万元', businessScope: '餐饮服务', address: '苏州市姑苏区样例街8号' },
];

/**
 * Loads the demo catalogue and licences when SEED_DEMO is on and the store is empty. The
 * citizens' licences are records only; the companies' licences are issued as a real issuer
 * would issue them — by the market regulator (DEMO_ISSUER_SEAL), through e-licence issuing:
 * the record signed and the PDF sealed with the regulator's seal, never the holder's own.
 */
@Injectable()
export class DemoLicenceSeed implements OnApplicationBootstrap {
  private readonly log = new Logger('DemoLicenceSeed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly demoSeals: DemoSealSeed,
    private readonly issueLicence: IssueLicence,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    if ((await this.dataSource.getRepository(LicenceType).count()) > 0) return;
    const issuer = generateCreditCode({ authority: '1', kind: '1', regionCode: '320000', organisationBody: '01400000' });
    const licences: Partial<Licence>[] = [];
    let serial = 1000;
    const add = (typeIndex: number, holder: { name: string; id: string }, holderType: 'person' | 'company', issueDate: string) => {
      const type = DEMO_LICENCE_TYPES[typeIndex]!;
      serial += 1;
      licences.push({
        licenceId: buildLicenceId({ typeCode: type.code, issuerCode: issuer, serial: `2025${serial}`, version: 1 }),
        typeCode: type.code,
        number: `JS${issueDate.replace(/-/g, '')}${serial}`,
        holderName: holder.name,
        holderType,
        holderKey: subjectKeyOf(holder.id, this.config.SUBJECT_KEY_SECRET),
        holderIdMasked: `${holder.id.slice(0, 6)}********${holder.id.slice(-4)}`,
        issuerCode: issuer,
        issuerName: '江苏省政务服务管理办公室（演示）',
        issueDate,
        validUntil: null,
        status: 'valid',
      });
    };
    DEMO_CITIZENS.forEach((c, i) => {
      add(0, c, 'person', `20${10 + i}-05-0${i + 1}`);
      add(1, c, 'person', `20${15 + i}-10-1${i}`);
      if (i !== 2) add(2, c, 'person', `20${18 + i}-02-2${i}`);
    });
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(LicenceType, DEMO_LICENCE_TYPES.map((t) => ({ ...t, definingAuthorityCode: DEFINER })) as never);
      await manager.insert(Licence, licences as never);
    });
    // The companies' licences: issued by the market regulator with its seal (the seal seed registers it).
    await this.demoSeals.ready();
    let issued = 0;
    for (const [i, c] of DEMO_COMPANIES.entries()) {
      for (const [typeIndex, data] of [
        [3, DEMO_BUSINESS_LICENCE_DATA[i] ?? DEMO_BUSINESS_LICENCE_DATA[0]!],
        [4, {}],
      ] as const) {
        const meta = {
          messageId: randomUUID(),
          correlationId: `demo-seed-${randomUUID()}`,
          app: DEMO_SEED_APP,
          purpose: '演示数据 (demo data)',
          sentAt: new Date().toISOString(),
        };
        await this.issueLicence.execute({
          meta,
          input: {
            typeCode: DEMO_LICENCE_TYPES[typeIndex]!.code,
            holderType: 'company',
            holderId: c.id,
            holderName: c.name,
            data: { ...data },
            sealId: DEMO_ISSUER_SEAL.id,
          },
        });
        issued += 1;
      }
    }
    this.log.log(
      `演示数据已载入 (demo data loaded): ${DEMO_LICENCE_TYPES.length} licence types, ${licences.length + issued} licences (${issued} issued and sealed by ${DEMO_ISSUER_SEAL.organisation.name})`,
    );
  }
}
