import { problemVocabulary } from '@gmp/service-kit';

/** The notification module's problems: every refusal it answers, with its status and title. */
export const NotificationProblem = problemVocabulary({
  UNKNOWN_NOTIFICATION: { status: 404, title: '通知不存在 (notification not found)' },
  UNKNOWN_MESSAGE: { status: 404, title: '消息不存在 (message not found)' },
  UNKNOWN_TEMPLATE: { status: 422, title: '消息模板不存在 (unknown template)' },
  INVALID_PARAMS: { status: 422, title: '模板参数无效 (invalid template parameters)' },
  TEMPLATE_RESERVED: { status: 422, title: "该模板仅供平台内部使用 (the template is reserved for the platform's own use)" },
  CHANNEL_NOT_ALLOWED: { status: 422, title: '该模板不能用于此渠道 (the template is not for this channel)' },
  INVALID_RECIPIENT: { status: 422, title: '接收方格式无效 (invalid recipient for the channel)' },
  RECIPIENT_RESERVED: {
    status: 422,
    title: '按主体键投递站内信仅限平台自身服务 (in-app messages to a subject key are for the platform’s own services: address an account)',
  },
});
