import type { Channel } from './notification.entity.js';

/**
 * Message templates (zh-CN). SMS templates must be registered with the carrier under the same
 * code; senders receive the code, the parameters and the rendered text. Parameters are
 * `{name}` placeholders, all required, plain text of at most 64 characters.
 */
export interface NotificationTemplate {
  code: string;
  channels: readonly Channel[];
  title: string;
  text: string;
  /** Only this caller may use the template (login codes: identity). */
  reservedFor?: string;
  /** Extra rule per parameter (beyond plain text ≤ 64 characters). */
  params?: Record<string, RegExp>;
}

export const NOTIFICATION_TEMPLATES: readonly NotificationTemplate[] = [
  {
    code: 'login-code',
    channels: ['sms'],
    reservedFor: 'identity',
    title: '登录验证码',
    text: '您的登录验证码为 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本短信。',
    params: { code: /^\d{6}$/, minutes: /^\d{1,2}$/ },
  },
  {
    code: 'case-accepted',
    channels: ['sms', 'email', 'in-app'],
    title: '办件受理通知',
    text: '您申请的“{matter}”已受理，办件编号 {caseNo}，承诺办结日期 {dueDate}。',
    params: { dueDate: /^\d{4}-\d{2}-\d{2}$/ },
  },
  {
    code: 'case-completed',
    channels: ['sms', 'email', 'in-app'],
    title: '办结通知',
    text: '您申请的“{matter}”（办件编号 {caseNo}）已办结，结果：{result}。',
  },
  {
    code: 'materials-needed',
    channels: ['sms', 'email', 'in-app'],
    title: '补正材料通知',
    text: '您申请的“{matter}”（办件编号 {caseNo}）需补正材料：{materials}。请登录政务服务网办理。',
  },
  {
    code: 'licence-issued',
    channels: ['sms', 'email', 'in-app'],
    title: '电子证照签发通知',
    text: '您的电子证照“{licenceName}”已签发，证照标识 {licenceId}。',
    params: { licenceId: /^1\.2\.156\.3005\.2\.[0-9A-Z.]+$/ },
  },
  {
    code: 'policy-offered',
    channels: ['sms', 'in-app'],
    title: '政策推送',
    text: '您可能符合“{policy}”的条件：{benefit}。详情及申请请登录政务服务网“我的政策”查看。',
  },
];

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

export function templateOf(code: string): NotificationTemplate | undefined {
  return NOTIFICATION_TEMPLATES.find((t) => t.code === code);
}

/** Problems with the parameters for a template (missing, unknown, too long, wrong shape), or none. */
export function checkParams(template: NotificationTemplate, params: Record<string, unknown>): string[] {
  const needed = [...template.text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const problems: string[] = [];
  for (const name of needed) {
    const value = params[name];
    if (typeof value !== 'string' || value.length === 0) problems.push(`${name}: 缺少参数 (missing)`);
    else if (value.length > 64 || /[\r\n]/.test(value))
      problems.push(`${name}: 须为不超过 64 字的单行文字 (one line of at most 64 characters)`);
    else if (template.params?.[name] && !template.params[name]!.test(value)) problems.push(`${name}: 格式不符 (wrong format)`);
  }
  for (const name of Object.keys(params))
    if (!needed.includes(name)) problems.push(`${name}: 模板无此参数 (not a parameter of the template)`);
  return problems;
}

export function render(template: NotificationTemplate, params: Record<string, string>): string {
  return template.text.replace(PLACEHOLDER, (_, name: string) => params[name] ?? '');
}
