import { Controller, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { acrForLevel } from '@gmp/identity';
import { AccountsService, LOCK_MINUTES } from './accounts.service.js';
import { OidcProviderService, STAFF_SUBJECT_PREFIX } from './oidc-provider.service.js';
import { FaceMatchService } from './face-match.service.js';
import { StaffDirectoryService } from './staff-directory.service.js';
import { loginForm, page, smsForm } from './login-pages.js';

/**
 * The provider's user interactions: the login page (ID number + password) and consent, which
 * is granted for the platform's own portals (first-party clients). A later login elsewhere
 * reuses the session: "一次登录、全网通办".
 */
@ApiExcludeController()
@Controller('interaction')
export class InteractionController {
  private readonly log = new Logger('Interaction');

  constructor(
    private readonly oidc: OidcProviderService,
    private readonly accounts: AccountsService,
    private readonly directory: StaffDirectoryService,
    private readonly faceMatch: FaceMatchService,
  ) {}

  /** The reply is hijacked (oidc-provider writes it): an error must still end it, with a page and no internals. */
  private async guarded(reply: FastifyReply, render: () => Promise<void>): Promise<void> {
    try {
      await render();
    } catch (err) {
      this.log.error(`登录页处理失败 (login page failed): ${(err as Error).name}: ${(err as Error).message}`);
      if (!reply.raw.headersSent)
        html(reply, 500, page('暂时无法登录 (sign-in failed)', '<p>系统繁忙，请稍后再试 (please try again later).</p>'));
      else reply.raw.end();
    }
  }

  /** The pending interaction, or null after answering 400 (expired or unknown). */
  private async details(request: FastifyRequest, reply: FastifyReply) {
    void reply.hijack();
    try {
      return await this.oidc.provider.interactionDetails(request.raw, reply.raw);
    } catch {
      html(reply, 400, page('登录会话已失效 (login session expired)', '<p>请从应用重新发起登录 (start again from the application).</p>'));
      return null;
    }
  }

  @Get(':uid')
  show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.guarded(reply, () => this.showPage(request, reply));
  }

  private async showPage(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const provider = this.oidc.provider;
    const details = await this.details(request, reply);
    if (!details) return;
    if (details.prompt.name === 'login') return html(reply, 200, loginForm(details.uid, String(details.params['client_id'] ?? '')));
    // Consent is granted silently only to the platform's own portals (client metadata first_party).
    const client = await provider.Client.find(String(details.params['client_id']));
    if (!(client as unknown as { first_party?: boolean } | undefined)?.first_party) {
      return html(
        reply,
        403,
        page(
          '需要用户授权 (consent required)',
          '<p>第三方应用的授权页面尚未提供 (consent for third-party applications is not available yet).</p>',
        ),
      );
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params['client_id']) });
    // What the provider says is missing (scopes it already checked against the client's own).
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant!.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant!.save();
    await provider.interactionFinished(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  @Post(':uid/login')
  login(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.guarded(reply, () => this.loginPage(request, reply));
  }

  private async loginPage(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const provider = this.oidc.provider;
    const details = await this.details(request, reply);
    if (!details) return;
    const form = fields(request.body, ['username', 'password', 'otp', 'face_evidence', 'sms_code']);
    const clientId = String(details.params['client_id'] ?? '');
    if (!form.username || (!form.password && !form.sms_code))
      return html(
        reply,
        400,
        loginForm(details.uid, clientId, '请输入账号和密码或短信验证码 (account and password, or SMS code, required)'),
      );
    const context = { clientId, remoteAddress: request.ip };
    const username = form.username;
    // An ID number signs a citizen in; anything else is a staff account name.
    const citizen = /^\d{17}[\dXx]$/.test(username);
    const evidence = form.face_evidence;
    if (form.sms_code && (!citizen || form.password || evidence)) {
      return html(
        reply,
        400,
        loginForm(details.uid, clientId, '短信验证码仅用于居民登录，且不与密码同用 (SMS codes are for citizens, without a password)'),
      );
    }
    if (evidence && (!citizen || !this.faceMatch.enabled || evidence.length > 4096)) {
      return html(
        reply,
        400,
        loginForm(details.uid, clientId, '本平台未启用人脸核验，或证据无效 (face match is not enabled here, or the evidence is invalid)'),
      );
    }
    const outcome = form.sms_code
      ? await this.accounts.loginWithSmsCode(username.toUpperCase(), form.sms_code, context)
      : citizen
        ? await this.accounts.login(username.toUpperCase(), form.password!, context)
        : await this.accounts.loginStaff(username, form.password!, form.otp, context);
    if (!outcome.ok) {
      if (outcome.reason === 'THROTTLED') {
        reply.raw.setHeader('retry-after', String(outcome.retryAfterSeconds));
        return html(
          reply,
          429,
          loginForm(
            details.uid,
            clientId,
            `登录失败次数过多，请 ${Math.ceil(outcome.retryAfterSeconds / 60)} 分钟后再试 (too many failed logins from this address; try again later)`,
          ),
        );
      }
      const [status, message]: [number, string] =
        outcome.reason === 'LOCKED'
          ? [
              423,
              `登录失败次数过多，账户已锁定，请 ${LOCK_MINUTES} 分钟后再试 (account locked after repeated failures; try again in ${LOCK_MINUTES} minutes)`,
            ]
          : [
              401,
              '账号、密码或动态口令错误，管理员须填写动态口令 (wrong account, password or TOTP code; administrators must give their TOTP code)',
            ];
      return html(reply, status, loginForm(details.uid, clientId, message));
    }
    let login: { accountId: string; acr: string; amr: string[] };
    if ('idKey' in outcome.account) {
      const person = outcome.account;
      login = {
        accountId: person.id,
        acr: acrForLevel(Math.min(person.assuranceLevel, PASSWORD_LOGIN_MAX_LEVEL)),
        amr: [form.sms_code ? 'sms' : 'pwd'],
      };
      if (evidence) {
        // Level 4 (真人核验): the live face matches the claimed identity, on top of a real-name-checked account.
        const face = await this.faceMatch.verify({ idNumber: username.toUpperCase(), name: person.name, evidence });
        await this.accounts.audit(
          face.ok ? 'FACE_MATCH_SUCCEEDED' : 'FACE_MATCH_FAILED',
          person.id,
          context,
          face.ok ? `score ${face.score}` : `${face.reason}${face.score !== undefined ? ` score ${face.score}` : ''}`,
        );
        if (!face.ok) {
          if (face.reason === 'NO_MATCH') await this.accounts.countFailure(username.toUpperCase(), context);
          return face.reason === 'UNAVAILABLE'
            ? html(
                reply,
                503,
                loginForm(
                  details.uid,
                  clientId,
                  '人脸核验服务暂不可用，请稍后再试或仅用密码登录 (face match unavailable; try later or sign in with the password only)',
                ),
              )
            : html(reply, 401, loginForm(details.uid, clientId, '人脸核验未通过 (face match failed)'));
        }
        if (person.assuranceLevel >= 3) login = { ...login, acr: acrForLevel(4), amr: ['pwd', 'face'] };
      }
    } else {
      login = {
        accountId: `${STAFF_SUBJECT_PREFIX}${outcome.account.id}`,
        acr: acrForLevel(3),
        amr: (await this.directory.isPrivileged(outcome.account)) ? ['pwd', 'otp'] : ['pwd'],
      };
    }
    await provider.interactionFinished(request.raw, reply.raw, { login }, { mergeWithLastSubmission: false });
  }

  /**
   * Sends a login code by SMS (citizens): the same answer whether or not the account exists or
   * has a phone; one code a minute and ten a day per account name (429 with Retry-After).
   */
  @Post(':uid/sms-code')
  smsCode(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.guarded(reply, () => this.smsCodePage(request, reply));
  }

  private async smsCodePage(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const details = await this.details(request, reply);
    if (!details) return;
    const clientId = String(details.params['client_id'] ?? '');
    const { username } = fields(request.body, ['username']);
    if (!username || !/^\d{17}[\dXx]$/.test(username))
      return html(reply, 400, loginForm(details.uid, clientId, '请输入身份证号码 (enter your ID number)'));
    const idNumber = username.toUpperCase();
    const { retryAfterSeconds, unavailable } = await this.accounts.requestSmsCode(idNumber, { clientId, remoteAddress: request.ip });
    if (unavailable)
      return html(
        reply,
        503,
        loginForm(details.uid, clientId, '短信登录暂未开通，请用密码登录 (SMS login is not available here; sign in with your password)'),
      );
    if (retryAfterSeconds > 0) {
      reply.raw.setHeader('retry-after', String(retryAfterSeconds));
      return html(
        reply,
        429,
        loginForm(details.uid, clientId, `验证码发送过于频繁，请 ${retryAfterSeconds} 秒后再试 (too many codes; try again later)`),
      );
    }
    html(reply, 200, smsForm(details.uid, clientId, idNumber));
  }
}

/** A password login proves at most a real-name-checked identity (level 3); 4 and 5 need face match or a certificate. */
const PASSWORD_LOGIN_MAX_LEVEL = 3;

/** Form fields as single strings (trimmed; a repeated or non-text field counts as absent). */
function fields<K extends string>(body: unknown, names: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const name of names) {
    const value = (body as Record<string, unknown>)[name];
    if (typeof value === 'string' && value.trim() !== '' && value.length <= 8192) out[name] = value.trim();
  }
  return out;
}

function html(reply: FastifyReply, status: number, body: string): void {
  reply.raw.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  reply.raw.end(body);
}
