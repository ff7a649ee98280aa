import { Injectable, Logger } from '@nestjs/common';
import { ServiceConfig } from '@gmp/service-kit';
import type { ResourceDefinitionBody } from './catalogue.dto.js';
import { PublishResource } from './usecases/publish-resource/publish-resource.usecase.js';

/** Demo resources of three provider departments: population (公安), births (卫健), legal persons (市场监管). */
export const DEMO_RESOURCES: Readonly<Record<string, ResourceDefinitionBody>> = {
  'JS-GA-RK-0001': {
    name: '人口基本信息 (population basic information)',
    classification: 'base',
    library: 'population',
    providerDepartment: '省公安厅',
    abstract: '全省户籍人口的基本信息：身份号码、姓名、性别、出生日期、民族、户籍地址与户籍状态。',
    format: 'table',
    updateCycle: 'daily',
    sharingType: 'conditional',
    sharingCondition: '用于办理政务服务事项时核验身份与预填表单，须说明事项与法定依据。',
    openAttribute: 'not_open',
    subjectType: 'person',
    keyItem: 'sfzh',
    items: [
      {
        code: 'sfzh',
        name: '公民身份号码',
        type: 'string',
        dataElement: 'DE00001',
        grade: 'core',
        personal: 'sensitive',
        required: true,
        maxLength: 18,
        mask: 'idNumber',
      },
      {
        code: 'xm',
        name: '姓名',
        type: 'string',
        dataElement: 'DE00002',
        grade: 'core',
        personal: 'personal',
        required: true,
        maxLength: 64,
        mask: 'name',
      },
      {
        code: 'xb',
        name: '性别',
        type: 'string',
        dataElement: 'DE00003',
        codeList: ['1', '2', '9'],
        grade: 'important',
        personal: 'personal',
        required: true,
      },
      { code: 'csrq', name: '出生日期', type: 'date', dataElement: 'DE00004', grade: 'important', personal: 'personal', required: true },
      { code: 'mz', name: '民族', type: 'string', dataElement: 'DE00005', grade: 'general', personal: 'sensitive', maxLength: 2 },
      {
        code: 'hjdz',
        name: '户籍地址',
        type: 'string',
        dataElement: 'DE00006',
        grade: 'important',
        personal: 'personal',
        maxLength: 200,
        mask: 'address',
      },
      {
        code: 'hjzt',
        name: '户籍状态',
        type: 'string',
        codeList: ['normal', 'deceased', 'cancelled'],
        grade: 'important',
        personal: 'personal',
        required: true,
      },
    ],
    rules: [
      { type: 'citizenId', item: 'sfzh' },
      { type: 'date', item: 'csrq', notBefore: '1900-01-01', notInFuture: true },
      { type: 'pattern', item: 'mz', pattern: '\\d{2}', message: '民族代码为两位数字 (GB/T 3304)' },
    ],
  },
  'JS-WJ-CS-0001': {
    name: '出生医学证明信息 (birth medical certificates)',
    classification: 'theme',
    providerDepartment: '省卫生健康委员会',
    abstract: '出生医学证明签发信息：证明编号、新生儿姓名与性别、出生时间、父母身份号码。',
    format: 'table',
    updateCycle: 'realtime',
    sharingType: 'conditional',
    sharingCondition: '仅用于新生儿出生“一件事”联办事项。',
    openAttribute: 'not_open',
    subjectType: 'person',
    keyItem: 'zmbh',
    items: [
      { code: 'zmbh', name: '出生医学证明编号', type: 'string', grade: 'core', personal: 'personal', required: true, maxLength: 10 },
      {
        code: 'xsexm',
        name: '新生儿姓名',
        type: 'string',
        dataElement: 'DE00002',
        grade: 'core',
        personal: 'personal',
        required: true,
        maxLength: 64,
      },
      {
        code: 'xb',
        name: '性别',
        type: 'string',
        dataElement: 'DE00003',
        codeList: ['1', '2', '9'],
        grade: 'important',
        personal: 'personal',
        required: true,
      },
      { code: 'cssj', name: '出生时间', type: 'datetime', grade: 'important', personal: 'personal', required: true },
      { code: 'mqsfzh', name: '母亲公民身份号码', type: 'string', grade: 'core', personal: 'sensitive', required: true, maxLength: 18 },
      { code: 'fqsfzh', name: '父亲公民身份号码', type: 'string', grade: 'core', personal: 'sensitive', maxLength: 18 },
      { code: 'qfrq', name: '签发日期', type: 'date', grade: 'general', personal: 'none', required: true },
    ],
    rules: [
      { type: 'pattern', item: 'zmbh', pattern: '[A-Z]\\d{9}', message: '编号为一位字母加九位数字' },
      { type: 'citizenId', item: 'mqsfzh' },
      { type: 'citizenId', item: 'fqsfzh' },
      { type: 'date', item: 'cssj', notInFuture: true },
      { type: 'crossField', item: 'qfrq', op: '>=', other: 'cssj', message: '签发日期不早于出生时间' },
    ],
  },
  'JS-SJ-FR-0001': {
    name: '法人基本信息 (legal persons)',
    classification: 'base',
    library: 'legal_person',
    providerDepartment: '江苏省市场监督管理局',
    abstract: '企业与个体工商户登记信息：统一社会信用代码、名称、法定代表人、成立日期、注册资本。',
    format: 'table',
    updateCycle: 'daily',
    sharingType: 'unconditional',
    openAttribute: 'open',
    subjectType: 'company',
    keyItem: 'tyshxydm',
    items: [
      {
        code: 'tyshxydm',
        name: '统一社会信用代码',
        type: 'string',
        dataElement: 'DE00101',
        grade: 'core',
        personal: 'none',
        required: true,
        maxLength: 18,
      },
      { code: 'mc', name: '名称', type: 'string', dataElement: 'DE00102', grade: 'core', personal: 'none', required: true, maxLength: 200 },
      {
        code: 'fddbr',
        name: '法定代表人',
        type: 'string',
        dataElement: 'DE00103',
        grade: 'important',
        personal: 'personal',
        required: true,
        maxLength: 64,
      },
      { code: 'clrq', name: '成立日期', type: 'date', grade: 'important', personal: 'none', required: true },
      { code: 'zczb', name: '注册资本（万元）', type: 'number', grade: 'general', personal: 'none' },
    ],
    rules: [
      { type: 'creditCode', item: 'tyshxydm' },
      { type: 'date', item: 'clrq', notBefore: '1949-10-01', notInFuture: true },
      { type: 'range', item: 'zczb', min: 0, max: 100_000_000 },
      { type: 'unique', item: 'mc', message: '企业名称不得重复' },
    ],
  },
  'JS-FGW-XY-0001': {
    name: '信用红黑名单 (credit red and black lists)',
    classification: 'base',
    library: 'credit',
    providerDepartment: '江苏省发展和改革委员会',
    abstract: '守信联合激励（红名单）与失信联合惩戒（黑名单）对象：名单编号、主体信用代码、名单类型、列入日期、事由与有效期。',
    format: 'table',
    updateCycle: 'daily',
    sharingType: 'unconditional',
    openAttribute: 'open',
    subjectType: 'company',
    keyItem: 'mdbh',
    items: [
      { code: 'mdbh', name: '名单编号', type: 'string', grade: 'important', personal: 'none', required: true, maxLength: 32 },
      {
        code: 'tyshxydm',
        name: '统一社会信用代码',
        type: 'string',
        dataElement: 'DE00101',
        grade: 'core',
        personal: 'none',
        required: true,
        maxLength: 18,
      },
      { code: 'mdlx', name: '名单类型', type: 'string', codeList: ['red', 'black'], grade: 'core', personal: 'none', required: true },
      { code: 'lrrq', name: '列入日期', type: 'date', grade: 'important', personal: 'none', required: true },
      { code: 'lryy', name: '列入事由', type: 'string', grade: 'general', personal: 'none', required: true, maxLength: 500 },
      { code: 'yxqz', name: '有效期至', type: 'date', grade: 'important', personal: 'none' },
    ],
    rules: [
      { type: 'creditCode', item: 'tyshxydm' },
      { type: 'date', item: 'lrrq', notBefore: '2014-01-01', notInFuture: true },
      { type: 'crossField', item: 'yxqz', op: '>=', other: 'lrrq', message: '有效期不早于列入日期' },
    ],
  },
  'JS-MZ-QH-0001': {
    name: '行政区划 (administrative divisions, GB/T 2260)',
    classification: 'base',
    library: 'geography',
    providerDepartment: '省民政厅',
    abstract: '全省行政区划代码、名称、级别与上级区划（GB/T 2260）。',
    format: 'table',
    updateCycle: 'yearly',
    sharingType: 'unconditional',
    openAttribute: 'open',
    subjectType: 'other',
    keyItem: 'qhdm',
    items: [
      { code: 'qhdm', name: '区划代码', type: 'string', grade: 'core', personal: 'none', required: true, maxLength: 6 },
      { code: 'mc', name: '名称', type: 'string', grade: 'core', personal: 'none', required: true, maxLength: 64 },
      {
        code: 'jb',
        name: '级别',
        type: 'string',
        codeList: ['province', 'city', 'county'],
        grade: 'important',
        personal: 'none',
        required: true,
      },
      { code: 'sjdm', name: '上级区划代码', type: 'string', grade: 'important', personal: 'none', maxLength: 6 },
    ],
    rules: [
      { type: 'pattern', item: 'qhdm', pattern: '\\d{6}', message: '区划代码为六位数字' },
      { type: 'pattern', item: 'sjdm', pattern: '\\d{6}', message: '区划代码为六位数字' },
      { type: 'unique', item: 'mc', message: '同名区划须核实' },
    ],
  },
};

/** With SEED_DEMO on, catalogues the demo resources (publishing an unchanged definition again changes nothing); run by the data platform's demo seed, before its records. */
@Injectable()
export class DemoCatalogueSeed {
  private readonly log = new Logger('DemoCatalogueSeed');

  constructor(
    private readonly config: ServiceConfig,
    private readonly publish: PublishResource,
  ) {}

  async seed(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    let changed = 0;
    for (const [code, definition] of Object.entries(DEMO_RESOURCES))
      if ((await this.publish.execute({ code, definition: structuredClone(definition), by: 'demo-seed' })).changed) changed++;
    if (changed > 0) this.log.log(`演示数据资源已编目 (demo resources catalogued): ${changed}`);
  }
}
