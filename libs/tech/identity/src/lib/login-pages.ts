/**
 * The identity provider's own HTML pages (sign-in, SMS code, sign-out): plain forms, no external
 * fonts or scripts (extranet deployments have no internet), every value escaped.
 */

export function smsForm(uid: string, clientId: string, idNumber: string): string {
  return page(
    '短信验证码登录 (sign in with an SMS code)',
    `<p>应用 (application): ${escape(clientId)}</p><p role="status">如该账号已绑定手机，验证码已发送，5 分钟内有效 (if the account has a phone, a code valid for 5 minutes was sent).</p>
<form method="post" action="/interaction/${escape(uid)}/login">
<input type="hidden" name="username" value="${escape(idNumber)}">
<label>短信验证码 (SMS code) <input name="sms_code" inputmode="numeric" autocomplete="one-time-code" required></label>
<button type="submit">登录 (sign in)</button></form>
<form method="post" action="/interaction/${escape(uid)}/sms-code">
<label>或用短信验证码登录，身份证号码 (or sign in with an SMS code: ID number) <input name="username" autocomplete="username"></label>
<button type="submit">获取验证码 (send code)</button></form>`,
  );
}

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, content: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${content}</body></html>`;
}

export function loginForm(uid: string, clientId: string, error?: string): string {
  return page(
    '统一身份认证登录 (sign in)',
    `<p>应用 (application): ${escape(clientId)}</p>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>身份证号码或工作账号 (ID number or staff account) <input name="username" autocomplete="username" required></label>
<label>密码 (password) <input name="password" type="password" autocomplete="current-password" required></label>
<label>动态口令，管理员必填 (TOTP code, administrators) <input name="otp" inputmode="numeric" autocomplete="one-time-code"></label>
<input type="hidden" name="face_evidence" id="face_evidence"><!-- filled by the face-match provider's liveness SDK for level 4 -->
<button type="submit">登录 (sign in)</button></form>`,
  );
}

/** The provider's sign-out confirmation around its own form (oidc-provider's logoutSource). */
export function logoutPage(form: string): string {
  return page(
    '是否退出统一身份认证？(sign out of the platform?)',
    `${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">退出 (sign out)</button>
<button type="submit" form="op.logoutForm">保持登录 (stay signed in)</button>`,
  );
}

/** After a sign-out (oidc-provider's postLogoutSuccessSource). */
export function signedOutPage(): string {
  return page('已退出登录 (signed out)', '');
}
