import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OidcScope, PlatformScope } from '@gmp/identity';
import { ServiceConfig } from '@gmp/service-kit';
import { DEMO_COMPANIES } from '@gmp/gov-standards';
import { AccountsService } from './accounts.service.js';
import { AgentsService } from './agents.service.js';
import { StaffDirectoryService } from './staff-directory.service.js';
import { OidcPayload } from './oidc-payload.entity.js';
import { PersonAccount } from './person-account.entity.js';

/**
 * A business-line system calling capabilities through dispatch (client credentials): it is
 * allowed `capabilities:invoke` and nothing else — asking for more is `invalid_scope`.
 */
export const DEMO_BUSINESS_CLIENT = {
  id: 'demo-business-app',
  secret: 'demo-business-app-secret',
  scope: PlatformScope.InvokeCapabilities,
};
/** Two first-party portals (public clients, authorization code + PKCE) to show single sign-on. */
export const DEMO_PORTALS = [
  { id: 'demo-portal-a', redirectUri: 'http://127.0.0.1:8081/callback' },
  { id: 'demo-portal-b', redirectUri: 'http://127.0.0.1:8082/callback' },
];
/** What the demo portals are allowed: sign-in, refresh tokens and what a citizen does on a portal (licences, materials, capabilities). */
export const DEMO_PORTAL_SCOPE = `${OidcScope.OpenId} ${OidcScope.Profile} ${OidcScope.OfflineAccess} ${PlatformScope.ReadLicences} ${PlatformScope.WriteFiles} ${PlatformScope.InvokeCapabilities}`;
/** Demo staff (SEED_DEMO only): an operator of 玄武区 (own district and below), an identity admin and a security auditor (both with TOTP). */
export const DEMO_STAFF = {
  operator: { username: 'xw-operator', password: 'Demo-Operator-1!', name: '玄武区窗口人员' },
  identityAdmin: {
    username: 'js-id-admin',
    password: 'Demo-IdAdmin-1!',
    name: '省身份管理员',
    totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  },
  securityAuditor: {
    username: 'js-auditor',
    password: 'Demo-Auditor-1!',
    name: '省安全审计员',
    totpSecret: 'KRUGS4ZANFZSAYJAORSXG5BAONSWG4TF',
  },
};

/** Nanjing's departments that handle the demo bundles' matters (the business platform maps its parts to them by name). */
export const DEMO_CASE_DEPARTMENTS = [
  '南京市卫生健康委员会',
  '南京市公安局',
  '南京市医疗保障局',
  '南京市人力资源和社会保障局',
  '国家税务总局南京市税务局',
  '南京市市场监督管理局',
  '南京住房公积金管理中心',
  '南京市消防救援支队',
  '南京市城市管理局',
  // The service centre: whole cases' bad ratings go to it (the business platform's BUSINESS_SERVICE_CENTRE).
  '南京市政务服务中心',
] as const;

/** Demo back-office staff (SEED_DEMO only): 南京市卫生健康委员会's officer, who accepts and approves (受理岗 + 审批岗, own department). */
export const DEMO_CASE_OFFICER = { username: 'nj-wjw-officer', password: 'Demo-Officer-1!', name: '市卫健委审批人员' };

/** A demo citizen account (张三, real-name checked: level 3). */
export const DEMO_PERSON = {
  idNumber: '11010519491231002X',
  name: '张三',
  password: 'Demo-Passw0rd!',
  assuranceLevel: 3,
  phone: '13800138000',
};

/** With SEED_DEMO on, registers demo OAuth clients (a business-line app, two portals) and a demo citizen account. */
@Injectable()
export class DemoClientsSeed implements OnApplicationBootstrap {
  private readonly log = new Logger('DemoClientsSeed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly accounts: AccountsService,
    private readonly agents: AgentsService,
    private readonly directory: StaffDirectoryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    const repo = this.dataSource.getRepository(OidcPayload);
    if (await repo.existsBy({ model: 'Client', id: DEMO_BUSINESS_CLIENT.id })) return;
    const client = (payload: Record<string, unknown> & { client_id: string }) =>
      repo.insert({
        model: 'Client',
        id: payload.client_id,
        payload: payload as never,
        grantId: null,
        userCode: null,
        uid: null,
        expiresAt: null,
        consumedAt: null,
      });
    await client({
      client_id: DEMO_BUSINESS_CLIENT.id,
      client_secret: DEMO_BUSINESS_CLIENT.secret,
      client_name: '演示业务系统 (demo business-line system)',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: DEMO_BUSINESS_CLIENT.scope,
    });
    for (const portal of DEMO_PORTALS) {
      await client({
        client_id: portal.id,
        client_name: `演示门户 (demo portal) ${portal.id}`,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [portal.redirectUri],
        post_logout_redirect_uris: [portal.redirectUri.replace('/callback', '/signed-out')],
        token_endpoint_auth_method: 'none',
        first_party: true,
        scope: DEMO_PORTAL_SCOPE,
      });
    }
    if ((await this.dataSource.getRepository(PersonAccount).count()) === 0) {
      await this.accounts.create(
        DEMO_PERSON.idNumber,
        DEMO_PERSON.name,
        DEMO_PERSON.password,
        DEMO_PERSON.assuranceLevel,
        DEMO_PERSON.phone,
      );
      // 张三 is the agent of the first demo company for licence look-ups and use authorisations, for a year.
      for (const company of DEMO_COMPANIES) await this.agents.registerLegalPerson(company.id, company.name);
      await this.agents.grant(
        DEMO_COMPANIES[0]!.id,
        DEMO_PERSON.idNumber,
        ['licence:read', 'licence:authorise'],
        new Date(Date.now() + 365 * 24 * 3600_000),
        'demo-seed',
      );
      // Department tree: 江苏省 → 南京市 → 玄武区 → 玄武区行政审批局; 苏州市.
      const province = await this.directory.createDepartment('江苏省', 'province', null);
      const nanjing = await this.directory.createDepartment('南京市', 'city', province.id);
      const xuanwu = await this.directory.createDepartment('玄武区', 'county', nanjing.id);
      await this.directory.createDepartment('玄武区行政审批局', 'department', xuanwu.id);
      await this.directory.createDepartment('苏州市', 'city', province.id);
      const byName = new Map<string, string>();
      for (const name of DEMO_CASE_DEPARTMENTS)
        byName.set(name, (await this.directory.createDepartment(name, 'department', nanjing.id)).id);
      await this.directory.saveRole({ code: 'acceptor', name: '受理岗 (acceptor)', permissions: ['case:handle'], dataScope: 'dept' });
      await this.directory.saveRole({ code: 'approver', name: '审批岗 (approver)', permissions: ['case:handle'], dataScope: 'dept' });
      await this.directory.saveRole({
        code: 'rating-reviewer',
        name: '好差评审核岗 (rating reviewer)',
        permissions: ['rating:review'],
        dataScope: 'dept_and_below',
      });
      await this.directory.saveRole({
        code: 'policy-admin',
        name: '政策管理岗 (policy administrator)',
        permissions: ['policy:manage'],
        dataScope: 'self',
      });
      await this.directory.createStaff({
        ...DEMO_CASE_OFFICER,
        departmentId: byName.get('南京市卫生健康委员会')!,
        roles: ['acceptor', 'approver'],
      });
      const window = await this.directory.createPost(xuanwu.id, 'window', '综合受理窗口 (front desk)');
      await this.directory.createStaff({ ...DEMO_STAFF.operator, departmentId: xuanwu.id, roles: ['operator'], postIds: [window.id] });
      await this.directory.createStaff({ ...DEMO_STAFF.identityAdmin, departmentId: province.id, roles: ['identity-admin'] });
      await this.directory.createStaff({ ...DEMO_STAFF.securityAuditor, departmentId: province.id, roles: ['security-auditor'] });
    }
    this.log.log(
      `演示身份数据已登记 (demo identity data): clients ${DEMO_BUSINESS_CLIENT.id}, ${DEMO_PORTALS.map((p) => p.id).join(', ')}; account ${DEMO_PERSON.name}`,
    );
  }
}
