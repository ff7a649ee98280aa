import { problemVocabulary } from '@gmp/service-kit';

/** The identity module's problems: every refusal it answers, with its status and title. */
export const IdentityProblem = problemVocabulary({
  INVALID_ROLE_CODE: { status: 400, title: '角色编码须为小写字母开头的 2–32 位字母、数字或 - (2–32 lower-case letters, digits or -)' },
  SELF_CHANGE: { status: 409, title: '不能修改自己的账号或所持角色 (you cannot change your own account or a role you hold)' },
  PRIVILEGED_ROLE: { status: 403, title: '特权账号由平台运维管理 (privileged accounts are managed by the platform operator)' },
  INVALID_ACCOUNT_ID: { status: 400, title: '账户标识无效 (account id must be a uuid or staff:<uuid>)' },
  UNKNOWN_DEPARTMENT: { status: 422, title: '部门不存在 (department not found)' },
  INVALID_DEPARTMENT_LEVEL: { status: 422, title: '部门层级不符 (the department level does not fit here)' },
  POST_EXISTS: { status: 409, title: '该部门已有此岗位编码 (the department already has a post with this code)' },
  UNKNOWN_PERMISSION: { status: 422, title: '未知权限 (unknown permission)' },
  CUSTOM_SCOPE_EMPTY: { status: 422, title: '自定数据权限须指定部门 (a custom data scope needs departments)' },
  BUILT_IN_ROLE: { status: 409, title: '内置角色的权限不可修改 (the permissions of a built-in role cannot change)' },
  INVALID_USERNAME: {
    status: 422,
    title: '账号须以字母开头，3–64 位字母、数字或 . _ - (3–64 letters, digits, . _ -, starting with a letter)',
  },
  USERNAME_TAKEN: { status: 409, title: '账号已存在 (account name already taken)' },
  UNKNOWN_STAFF: { status: 404, title: '工作人员账号不存在 (staff account not found)' },
  ROLE_REQUIRED: { status: 422, title: '至少需要一个角色 (at least one role)' },
  UNKNOWN_ROLE: { status: 422, title: '角色不存在 (unknown role)' },
  UNKNOWN_POST: { status: 422, title: '岗位不存在 (post not found)' },
  SEPARATION_OF_DUTIES: {
    status: 422,
    title: '身份管理与安全审计须由不同人员担任 (identity administration and security audit must be held by different people)',
  },
  INVALID: { status: 400, title: '输入无效 (invalid input)' },
  UNKNOWN_COMPANY: { status: 422, title: '法人未登记 (legal person not registered)' },
  UNKNOWN_ACCOUNT: { status: 422, title: '经办人没有账户 (the agent has no account)' },
  NOT_FOUND: { status: 404, title: '授权不存在或已撤销 (no such active authorisation)' },
  POPULATION_BASE_BAD_ANSWER: { status: 502, title: '人口基础库应答格式无效 (malformed answer from the population base library)' },
  POPULATION_BASE_UNAVAILABLE: { status: 503, title: '人口基础库暂不可用 (the population base library is unavailable)' },
});
