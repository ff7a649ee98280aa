import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import type { DataSource } from 'typeorm';
import { subjectKeyOf } from '@gmp/contracts';
import { SERVICE_CONFIG, type ServiceConfig } from '@gmp/service-kit';
import { IdentityAudit } from './identity-audit.entity.js';
import { PersonAccount } from './person-account.entity.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

export type LoginOutcome =
  | { ok: true; account: PersonAccount }
  | { ok: false; reason: 'INVALID_CREDENTIALS' | 'LOCKED'; lockedUntil?: Date };

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

  find(id: string): Promise<PersonAccount | null> {
    return this.dataSource.getRepository(PersonAccount).findOneBy({ id });
  }

  async login(idNumber: string, password: string, context: { clientId?: string; remoteAddress?: string }): Promise<LoginOutcome> {
    const repo = this.dataSource.getRepository(PersonAccount);
    const account = await repo.findOneBy({ idKey: subjectKeyOf(idNumber, this.config.SUBJECT_KEY_SECRET) });
    if (!account) {
      await hashPassword(password); // same cost as a real check: no account enumeration by timing
      await this.audit('LOGIN_UNKNOWN_ACCOUNT', null, context);
      return { ok: false, reason: 'INVALID_CREDENTIALS' };
    }
    if (account.lockedUntil && account.lockedUntil > new Date()) {
      await this.audit('LOGIN_REFUSED_LOCKED', account.id, context);
      return { ok: false, reason: 'LOCKED', lockedUntil: account.lockedUntil };
    }
    if (!(await argon2Verify({ password, hash: account.passwordHash }))) {
      const failed = account.failedLogins + 1;
      const lock = failed >= MAX_FAILED_LOGINS ? new Date(Date.now() + LOCK_MINUTES * 60_000) : null;
      await repo.update({ id: account.id }, { failedLogins: lock ? 0 : failed, lockedUntil: lock });
      await this.audit('LOGIN_FAILED', account.id, context, `failure ${failed}`);
      if (lock) {
        await this.audit('ACCOUNT_LOCKED', account.id, context, `until ${lock.toISOString()}`);
        return { ok: false, reason: 'LOCKED', lockedUntil: lock };
      }
      return { ok: false, reason: 'INVALID_CREDENTIALS' };
    }
    await repo.update({ id: account.id }, { failedLogins: 0, lockedUntil: null });
    await this.audit('LOGIN_SUCCEEDED', account.id, context);
    return { ok: true, account };
  }

  private async audit(event: IdentityAudit['event'], accountId: string | null, context: { clientId?: string; remoteAddress?: string }, detail?: string): Promise<void> {
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
function hashPassword(password: string): Promise<string> {
  return argon2id({ password, salt: randomBytes(16), parallelism: 1, iterations: 3, memorySize: 19456, hashLength: 32, outputType: 'encoded' });
}
