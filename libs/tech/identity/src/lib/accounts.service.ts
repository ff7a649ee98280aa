import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt, randomUUID } from 'node:crypto';
import { argon2Verify } from 'hash-wasm';
import { verifySync } from 'otplib';
import { type DataSource, IsNull } from 'typeorm';
import { subjectKeyOf } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER, ServiceConfig } from '@gmp/service-kit';
import { NotificationService } from '@gmp/tech-notification';
import { SmsLoginCode } from './sms-login-code.entity.js';
import { IdentityAudit } from './identity-audit.entity.js';
import { LOCK_MINUTES, LoginThrottleService } from './login-throttle.service.js';
import { hashPassword } from './password.js';
import { PersonAccount } from './person-account.entity.js';
import { StaffAccount } from './staff-account.entity.js';
import { StaffDirectoryService } from './staff-directory.service.js';

export { LOCK_MINUTES, MAX_FAILED_LOGINS } from './login-throttle.service.js';
export { hashPassword } from './password.js';

/** Label of the crypto provider's key for phone numbers. */
const PHONE_LABEL = 'field:phone';
export const SMS_CODE_MINUTES = 5;

export interface LoginContext {
  clientId?: string;
  remoteAddress?: string;
}

export type LoginOutcome<T> =
  | { ok: true; account: T }
  | { ok: false; reason: 'INVALID_CREDENTIALS' | 'LOCKED' }
  | { ok: false; reason: 'THROTTLED'; retryAfterSeconds: number };

/**
 * Password logins for citizens and staff: lock-out after repeated failures (the same answers
 * whether the account exists or not), a brake per client address, TOTP for privileged staff
 * (each code once), every attempt audited.
 */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly throttle: LoginThrottleService,
    private readonly directory: StaffDirectoryService,
    private readonly notifications: NotificationService,
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
  ) {}

  async create(idNumber: string, name: string, password: string, assuranceLevel: number, phone?: string): Promise<PersonAccount> {
    const id = randomUUID();
    const account: PersonAccount = {
      id,
      idKey: subjectKeyOf(idNumber, this.config.SUBJECT_KEY_SECRET),
      idMasked: `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`,
      name,
      passwordHash: await hashPassword(password),
      phoneEnc: phone ? this.crypto.encrypt(PHONE_LABEL, phone, id) : null,
      phoneMasked: phone ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : null,
      assuranceLevel,
      createdAt: new Date(),
    };
    await this.dataSource.getRepository(PersonAccount).insert(account);
    return account;
  }

  /** Whether the account `id` is the person whose ID-number key is `idKey` (a holder reading their own data). */
  isPerson(id: string, idKey: string): Promise<boolean> {
    return this.dataSource.getRepository(PersonAccount).existsBy({ id, idKey });
  }

  find(id: string): Promise<PersonAccount | null> {
    return this.dataSource.getRepository(PersonAccount).findOneBy({ id });
  }

  async login(idNumber: string, password: string, context: LoginContext): Promise<LoginOutcome<PersonAccount>> {
    const account = await this.findByIdNumber(idNumber);
    return this.checkCredential(
      `person:${idNumber}`,
      account,
      context,
      () => hashPassword(password),
      (a) => argon2Verify({ password, hash: a.passwordHash }),
    );
  }

  private findByIdNumber(idNumber: string): Promise<PersonAccount | null> {
    return this.dataSource.getRepository(PersonAccount).findOneBy({ idKey: subjectKeyOf(idNumber, this.config.SUBJECT_KEY_SECRET) });
  }

  /**
   * Sends a login code by SMS to the account's phone (through the notification capability).
   * The answer is the same whether the account exists or has a phone; sends are limited per
   * account name (one a minute, ten a day). Returns the seconds to wait when over the limit.
   */
  async requestSmsCode(idNumber: string, context: LoginContext): Promise<{ retryAfterSeconds: number; unavailable?: true }> {
    if (!this.notifications.delivers('sms')) return { retryAfterSeconds: 0, unavailable: true };
    const wait = await this.throttle.smsBegin(`person:${idNumber}`, context.remoteAddress);
    if (wait > 0) return { retryAfterSeconds: wait };
    const account = await this.findByIdNumber(idNumber);
    if (!account?.phoneEnc) {
      await this.audit('SMS_CODE_NOT_SENT', account?.id ?? null, context, account ? 'no phone' : 'unknown account');
      return { retryAfterSeconds: 0 };
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const repo = this.dataSource.getRepository(SmsLoginCode);
    await repo.update({ accountId: account.id, consumedAt: IsNull() }, { consumedAt: new Date() }); // only the newest code works
    await repo.insert({
      id: randomUUID(),
      accountId: account.id,
      codeMac: this.smsCodeMac(account.id, code),
      expiresAt: new Date(Date.now() + SMS_CODE_MINUTES * 60_000),
      consumedAt: null,
    });
    const phone = this.crypto.decrypt(PHONE_LABEL, account.phoneEnc, account.id).toString();
    await this.notifications.enqueue({
      channel: 'sms',
      to: phone,
      template: 'login-code',
      params: { code, minutes: String(SMS_CODE_MINUTES) },
      app: 'identity',
      correlationId: randomUUID(),
    });
    await this.audit('SMS_CODE_SENT', account.id, context, account.phoneMasked ?? undefined);
    return { retryAfterSeconds: 0 };
  }

  /** Login with an SMS code: the same lock-out as a password; a code works once, within its minutes. */
  async loginWithSmsCode(idNumber: string, code: string, context: LoginContext): Promise<LoginOutcome<PersonAccount>> {
    const account = await this.findByIdNumber(idNumber);
    const table = quoteTablePath(this.dataSource.getRepository(SmsLoginCode).metadata.tablePath);
    return this.checkCredential(
      `person:${idNumber}`,
      account,
      context,
      async () => undefined,
      async (a) => {
        if (!/^\d{6}$/.test(code)) return false;
        const [rows] = await this.dataSource.query(
          `UPDATE ${table} SET consumed_at = now() WHERE account_id = $1 AND code_mac = $2 AND consumed_at IS NULL AND expires_at > now() RETURNING id`,
          [a.id, this.smsCodeMac(a.id, code)],
        );
        return (rows as unknown[]).length === 1;
      },
    );
  }

  private smsCodeMac(accountId: string, code: string): string {
    return this.crypto.hmacSm3('otp:sms', `${accountId}:${code}`).toString('hex');
  }

  /** Staff login (account name case-insensitive); privileged roles also need the current TOTP code, once. */
  async loginStaff(
    username: string,
    password: string,
    otp: string | undefined,
    context: LoginContext,
  ): Promise<LoginOutcome<StaffAccount>> {
    const found = await this.directory.findStaffByUsername(username);
    // A disabled account answers like an unknown one (and still costs a full password check).
    const staff = found?.enabled ? found : null;
    const privileged = staff ? await this.directory.isPrivileged(staff) : false;
    // For privileged accounts the password and the TOTP code are one credential: a wrong, missing
    // or replayed code counts as a failure (lock-out) and gets the same answer as a wrong password.
    const secondFactor = privileged ? () => this.acceptTotp(staff!, otp) : undefined;
    return this.checkCredential(
      `staff:${username.trim().toLowerCase()}`,
      staff,
      context,
      () => hashPassword(password),
      async (s) => (await argon2Verify({ password, hash: s.passwordHash })) && (!secondFactor || (await secondFactor())),
    );
  }

  /** The code must verify and be newer than the last one accepted (one atomic statement). */
  private async acceptTotp(staff: StaffAccount, otp: string | undefined): Promise<boolean> {
    if (!staff.totpSecret || !otp || !/^\d{6}$/.test(otp)) return false;
    const result = verifySync({ secret: staff.totpSecret, token: otp });
    if (!result.valid) return false;
    const step = (result as { timeStep?: number }).timeStep;
    if (typeof step !== 'number') return false;
    const table = quoteTablePath(this.dataSource.getRepository(StaffAccount).metadata.tablePath);
    const [rows] = await this.dataSource.query(
      `UPDATE ${table} SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [staff.id, step],
    );
    return (rows as unknown[]).length === 1;
  }

  /**
   * Credential check with lock-out, the same rule for every kind of account and credential:
   * the attempt is counted first (throttle), then the credential checked. `unknownCost` spends
   * what a real check costs when the account does not exist, and the answers are the same.
   */
  private async checkCredential<T extends PersonAccount | StaffAccount>(
    name: string,
    account: T | null,
    context: LoginContext,
    unknownCost: () => Promise<unknown>,
    verify: (account: T) => Promise<boolean>,
  ): Promise<LoginOutcome<T>> {
    const ticket = await this.throttle.begin(name, context.remoteAddress);
    if (ticket.kind === 'throttled') {
      await this.audit('LOGIN_THROTTLED', account?.id ?? null, context, `retry after ${ticket.retryAfterSeconds}s`);
      return { ok: false, reason: 'THROTTLED', retryAfterSeconds: ticket.retryAfterSeconds };
    }
    if (ticket.kind === 'locked') {
      await this.audit('LOGIN_REFUSED_LOCKED', account?.id ?? null, context, account ? undefined : 'unknown account');
      return { ok: false, reason: 'LOCKED' };
    }
    const ok = account ? await verify(account) : (await unknownCost(), false);
    if (!ok) {
      await this.throttle.failed(name, ticket);
      await this.audit(account ? 'LOGIN_FAILED' : 'LOGIN_UNKNOWN_ACCOUNT', account?.id ?? null, context);
      if (ticket.last) {
        await this.audit('ACCOUNT_LOCKED', account?.id ?? null, context, `${LOCK_MINUTES} minutes${account ? '' : ', unknown account'}`);
        return { ok: false, reason: 'LOCKED' };
      }
      return { ok: false, reason: 'INVALID_CREDENTIALS' };
    }
    await this.throttle.succeeded(name, context.remoteAddress);
    await this.audit('LOGIN_SUCCEEDED', account!.id, context);
    return { ok: true, account: account! };
  }

  /** A failed extra factor after a good password (a face that does not match) counts as a failed attempt. */
  async countFailure(idNumber: string, context: LoginContext): Promise<void> {
    const ticket = await this.throttle.begin(`person:${idNumber}`, context.remoteAddress);
    if (ticket.kind === 'go') await this.throttle.failed(`person:${idNumber}`, ticket);
  }

  async audit(event: IdentityAudit['event'], accountId: string | null, context: LoginContext, detail?: string): Promise<void> {
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
