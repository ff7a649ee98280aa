/**
 * Demo legal bases (SEED_DEMO). Real deployments register their own, law and article, through
 * the operators' API; these name real regulations but their articles are marked as demo.
 */
export const DEMO_LEGAL_BASES = [
  {
    code: 'demo.gov-data-sharing',
    law: '《政务数据共享条例》',
    article: '（演示条款 demo）',
    summary: '政务部门依法履行职责需要使用共享数据 (演示) — a department uses shared data for its statutory duties (demo)',
    capabilities: [
      'e-licence.query-by-holder',
      'e-licence.get',
      'e-licence.get-pdf',
      'identity.verify-real-name',
      'composite.citizen-licences',
    ],
    dataOpened: '电子证照目录与证照信息、实名核验结果 (licence records, real-name check results)',
  },
  {
    code: 'demo.market-entity-registration',
    law: '《市场主体登记管理条例》',
    article: '（演示条款 demo）',
    summary: '登记机关核验市场主体登记信息 (演示) — the registration authority checks a market entity’s registration (demo)',
    capabilities: ['e-licence.query-by-holder', 'e-licence.get'],
    dataOpened: '营业执照信息 (business licence data)',
  },
  {
    code: 'demo.real-estate-registration',
    law: '《不动产登记暂行条例》',
    article: '（演示条款 demo）',
    summary: '不动产登记机构核验申请人身份与证照 (演示) — the real-estate registry checks an applicant’s identity and licences (demo)',
    capabilities: ['identity.verify-real-name', 'e-licence.query-by-holder', 'composite.citizen-licences'],
    dataOpened: '身份核验结果、电子证照目录 (identity check results, licence list)',
  },
] as const;

/** The demo bases that open a capability. */
export function demoBasesFor(capabilityCode: string): string[] {
  return DEMO_LEGAL_BASES.filter((b) => (b.capabilities as readonly string[]).includes(capabilityCode)).map((b) => b.code);
}
