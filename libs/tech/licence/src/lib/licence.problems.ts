import { problemVocabulary } from '@gmp/service-kit';

/** The e-licence module's problems: every refusal it answers, with its status and title. */
export const LicenceProblem = problemVocabulary({
  LICENCE_USE_NOT_AUTHORISED: {
    status: 403,
    title:
      '无持证人授权，也无获准的法定依据 (no authorisation from the holder and no granted legal basis: declare a legal basis your subscription was granted in X-Legal-Basis, or obtain the holder’s use authorisation)',
  },
  UNKNOWN_LICENCE_TYPE: { status: 422, title: '证照类型不存在 (unknown licence type)' },
  HOLDER_TYPE_MISMATCH: { status: 422, title: '持证主体类型与证照类型不符 (the holder type does not fit the licence type)' },
  LICENCE_DATA_INVALID: { status: 422, title: '照面信息不符合证照类型 (data items do not match the type)' },
  INVALID_VALIDITY: { status: 422, title: '有效期无效 (invalid validity)' },
  LICENCE_NOT_HELD_BY_COMPANY: { status: 422, title: '该证照不属于所述企业 (the licence is not held by that company)' },
  NOT_FOUND: { status: 404, title: '证照不存在 (licence not found)' },
  NO_DOCUMENT: { status: 404, title: '该证照无版式文件（非本平台签发）(the licence has no document: not issued here)' },
  AUTHORISATION_NOT_FOUND: { status: 404, title: '没有可撤回的授权 (no such active authorisation of yours)' },
  NOT_ISSUED_HERE: { status: 403, title: '该证照不是本平台签发，不能在此变更 (the licence was not issued here)' },
  HOLDER_NOT_SIGNED_IN: {
    status: 403,
    title: '须由持证人本人登录后授权 (the holder must be signed in: call with the holder’s user token)',
  },
  NOT_HOLDER_OR_AGENT: {
    status: 403,
    title:
      '只能授权使用自己的证照，或作为企业经办人（授权范围含 licence:authorise）授权企业的证照 (only your own licences, or a company’s as its agent with scope licence:authorise)',
  },
  ALREADY_REVOKED: { status: 409, title: '证照已注销 (the licence is already revoked)' },
  ISSUE_KEY_REUSED: {
    status: 409,
    title: '签发键已用于另一张证照 (the issue key was used for another licence: another type, holder or seal)',
  },
});
