import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import { generateSecret, verifySync } from 'otplib';
import { type DataSource, In } from 'typeorm';
import { acrForLevel, AssuranceLevel } from '@gmp/identity';
import { Department } from './department.entity.js';
import { subjectKeyOf } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@gmp/service-kit';
import { IdentityAudit } from './identity-audit.entity.js';
import { PersonAccount } from './person-account.entity.js';
import { PRIVILEGED_ROLES, StaffAccount, type StaffRole } from './staff-account.entity.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

export interface LoginContext {
  clientId?: string;
  remoteAddress?: string;
}

export type LoginOutcome<T> =
  | { ok: true; account: T }
  | { ok: false; reason: 'INVALID_CREDENTIALS' | 'LOCKED' | 'SECOND_FACTOR_REQUIRED' | 'INVALID_SECOND_FACTOR'; lockedUntil?: Date };

/** Person accounts: password login with lock-out after repeated failures, every attempt audited. */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async create(idNumber: string, name: string, password: string, assuranceLevel: number): Promise<PersonAccount> {
    const account: PersonAccount = {
      id: randomUUID(),
      idKey: subjectKeyOf(idNumber, this.config.SUBJECT_KEY_SECRET),
      idMasked: `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`,
      name,
      passwordHash: await hashPassword(password),
      assuranceLevel,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: new Date(),
    };
    await this.dataSource.getRepository(PersonAccount).insert(account);
    return account;
  }

  /** Adds a department under `parentId` (or a root) and returns it with its materialised path. */
  async createDepartment(name: string, level: Department['level'], parentId: string | null): Promise<Department> {
    const repo = this.dataSource.getRepository(Department);
    const parent = parentId ? await repo.findOneByOrFail({ id: parentId }) : null;
    const id = randomUUID();
    const department = { id, parentId, name, level, path: `${parent?.path ?? '/'}${id}/`, createdAt: new Date() };
    await repo.insert(department);
    return department;
  }

  /**
   * Creates a staff account. Admin roles are separated (等保): nobody is both identity admin
   * and security auditor. Privileged roles get a TOTP secret (returned once, for enrolment).
   */
  async createStaff(input: { username: string; name: string; password: string; departmentId: string; roles: StaffRole[]; dataScope: string; customDepartmentIds?: string[]; totpSecret?: string }): Promise<StaffAccount> {
    if (input.roles.includes('identity-admin') && input.roles.includes('security-auditor')) {
      throw new Error('身份管理员与安全审计员须由不同人员担任 (identity admin and security auditor must be different people)');
    }
    const privileged = input.roles.some((r) => PRIVILEGED_ROLES.includes(r));
    const staff: StaffAccount = {
      id: randomUUID(),
      username: input.username,
      name: input.name,
      passwordHash: await hashPassword(input.password),
      departmentId: input.departmentId,
      roles: input.roles,
      dataScope: input.dataScope,
      customDepartmentIds: input.customDepartmentIds ?? [],
      totpSecret: privileged ? (input.totpSecret ?? generateSecret()) : null,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: new Date(),
    };
    await this.dataSource.getRepository(StaffAccount).insert(staff);
    return staff;
  }

  find(id: string): Promise<PersonAccount | null> {
    return this.dataSource.getRepository(PersonAccount).findOneBy({ id });
  }

  async login(idNumber: string, password: string, context: LoginContext): Promise<LoginOutcome<PersonAccount>> {
    const account = await this.dataSource.getRepository(PersonAccount).findOneBy({ idKey: subjectKeyOf(idNumber, this.config.SUBJECT_KEY_SECRET) });
    return this.checkPassword(PersonAccount, account, password, context);
  }

  findStaff(id: string): Promise<StaffAccount | null> {
    return this.dataSource.getRepository(StaffAccount).findOneBy({ id });
  }

  /** Claims a staff member's tokens carry: department, data scope, roles (see libs/identity data scopes). */
  async staffClaims(id: string): Promise<Record<string, unknown> | undefined> {
    const staff = await this.findStaff(id);
    if (!staff) return undefined;
    const departments = this.dataSource.getRepository(Department);
    const own = await departments.findOneBy({ id: staff.departmentId });
    const custom = staff.customDepartmentIds.length > 0 ? await departments.findBy({ id: In(staff.customDepartmentIds) }) : [];
    return {
      acr: acrForLevel(AssuranceLevel.RealName),
      dept: staff.departmentId,
      dept_path: own?.path,
      data_scope: staff.dataScope,
      roles: staff.roles,
      ...(custom.length > 0 ? { custom_dept_paths: custom.map((d) => d.path) } : {}),
    };
  }

  /** Staff login; privileged roles also need the current TOTP code (second factor). */
  async loginStaff(username: string, password: string, otp: string | undefined, context: LoginContext): Promise<LoginOutcome<StaffAccount>> {
    const staff = await this.dataSource.getRepository(StaffAccount).findOneBy({ username });
    const privileged = staff?.roles.some((r) => PRIVILEGED_ROLES.includes(r)) ?? false;
    // For privileged accounts the password and the TOTP code are one credential: a wrong or
    // missing code counts as a failure (lock-out) and gets the same answer as a wrong password.
    const secondFactor = privileged
      ? () => Boolean(staff!.totpSecret && otp && verifySync({ secret: staff!.totpSecret, token: otp }).valid)
      : undefined;
    return this.checkPassword(StaffAccount, staff, password, context, secondFactor);
  }

  /** Password check with lock-out: the same rule for every kind of account. */
  private async checkPassword<T extends PersonAccount | StaffAccount>(
    target: new () => T,
    account: T | null,
    password: string,
    context: LoginContext,
    secondFactor?: () => boolean,
  ): Promise<LoginOutcome<T>> {
    const repo = this.dataSource.getRepository<PersonAccount | StaffAccount>(target);
    if (!account) {
      await hashPassword(password); // same cost as a real check: no account enumeration by timing
      await this.audit('LOGIN_UNKNOWN_ACCOUNT', null, context);
      return { ok: false, reason: 'INVALID_CREDENTIALS' };
    }
    if (account.lockedUntil && account.lockedUntil > new Date()) {
      await this.audit('LOGIN_REFUSED_LOCKED', account.id, context);
      return { ok: false, reason: 'LOCKED', lockedUntil: account.lockedUntil };
    }
    const table = quoteTablePath(repo.metadata.tablePath);
    const passwordOk = await argon2Verify({ password, hash: account.passwordHash });
    if (!passwordOk || (secondFactor && !secondFactor())) {
      // One atomic statement, so parallel wrong attempts cannot slip past the count.
      const [rows] = await repo.query(
        `UPDATE ${table} SET
           failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
         WHERE id = $1 RETURNING failed_logins, locked_until`,
        [account.id, MAX_FAILED_LOGINS, LOCK_MINUTES],
      );
      const row = (rows as { failed_logins: number; locked_until: Date | null }[])[0]!;
      const lock = row.failed_logins === 0 && row.locked_until ? new Date(row.locked_until) : null;
      const failed = lock ? MAX_FAILED_LOGINS : row.failed_logins;
      await this.audit('LOGIN_FAILED', account.id, context, `failure ${failed}`);
      if (lock) {
        await this.audit('ACCOUNT_LOCKED', account.id, context, `until ${lock.toISOString()}`);
        return { ok: false, reason: 'LOCKED', lockedUntil: lock };
      }
      return { ok: false, reason: 'INVALID_CREDENTIALS' };
    }
    // Reset only if no lock was set meanwhile (a parallel burst of guesses must not unlock it).
    const [reset] = await repo.query(`UPDATE ${table} SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now()) RETURNING id`, [account.id]);
    if ((reset as unknown[]).length === 0) {
      await this.audit('LOGIN_REFUSED_LOCKED', account.id, context);
      return { ok: false, reason: 'LOCKED' };
    }
    await this.audit('LOGIN_SUCCEEDED', account.id, context);
    return { ok: true, account };
  }

  private async audit(event: IdentityAudit['event'], accountId: string | null, context: LoginContext, detail?: string): Promise<void> {
    await this.dataSource.getRepository(IdentityAudit).insert({
      id: randomUUID(),
      event,
      accountId,
      clientId: context.clientId ?? null,
      remoteAddress: context.remoteAddress ?? null,
      detail: detail ?? null,
    });
  }
}

/** argon2id with OWASP's minimum parameters (19 MiB, 2 passes; we use 3), PHC-encoded. */
export function hashPassword(password: string): Promise<string> {
  return argon2id({ password, salt: randomBytes(16), parallelism: 1, iterations: 3, memorySize: 19456, hashLength: 32, outputType: 'encoded' });
}
