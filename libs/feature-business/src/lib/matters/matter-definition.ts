/**
 * A matter (政务服务事项) as data: what the catalogue stores, the bundle compiler reads and the
 * case engine runs. Validated at the API by matter-definition.dto.ts; the compiler trusts it.
 */

export const MATTER_TYPES = ['行政许可', '行政确认', '行政给付', '行政裁决', '行政奖励', '其他行政权力', '公共服务'] as const;
export type MatterType = (typeof MATTER_TYPES)[number];

export const MATTER_LEVELS = ['province', 'city', 'county'] as const;
export type MatterLevel = (typeof MATTER_LEVELS)[number];

export const FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'datetime', 'citizenId', 'creditCode', 'phone', 'code'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A form field. Fields with the same data element (数据元) about the same subject are one field of a merged form. */
export interface FieldDefinition {
  key: string;
  name: string;
  /** Data element code shared with the data platform's catalogue (e.g. DE00002); absent for fields only this matter asks. */
  element?: string;
  /** Whom the value describes: `applicant` by default, or a role such as `newborn`, `mother`, `company`. */
  subject?: string;
  type?: FieldType;
  required?: boolean;
  /** Allowed values for `code` fields. */
  codeList?: string[];
}

/** How a material is proven without the applicant handing it in (免提交). */
export interface MaterialProof {
  /** An electronic licence of this type (电子证照目录 code) held by the subject. */
  licenceType?: string;
  /** A data platform resource (shared data) that holds the same facts. */
  resource?: string;
  /** The output of another matter (when both are in one bundle, that matter runs first). */
  matterOutput?: string;
}

/**
 * 告知承诺事后核查: how a commitment that replaced this material is checked after the case is
 * delivered — against a data platform resource (`data.shared.exists.v1` under the business
 * platform's own grant: the applicant's record must exist, with `equals`). A commitment without
 * it is inspected by the matter's department (现场核查) and its result recorded in the back office.
 */
export interface CommitmentCheck {
  resource: string;
  /** Items of the record that must hold these values (e.g. `{ jcjg: pass }`). */
  equals?: Record<string, string | number | boolean>;
  /** Items of the record that must equal what the application says: item → the matter's field key (e.g. `{ csdz: csdz }`, the premises). */
  fields?: Record<string, string>;
  /** Natural days after delivery when the check runs (default 0: the next sweep). */
  afterDays?: number;
}

export interface MaterialDefinition {
  /** The material's code: the same code in two matters is the same material. */
  code: string;
  name: string;
  /** 主件 key, or 辅件 secondary (only secondary materials may be accepted missing: 容缺). */
  kind: 'key' | 'secondary';
  provenBy?: MaterialProof;
  /** Whether the applicant may hand it in (default true); false: it must be proven. */
  upload?: boolean;
  /** 容缺: the case is accepted without it against a signed commitment, to be supplied by a deadline. */
  deferrable?: boolean;
  /** 告知承诺: a signed commitment replaces it; verified afterwards. */
  commitment?: boolean;
  /** How the commitment is verified afterwards (only with `commitment`); absent: the department inspects. */
  verify?: CommitmentCheck;
}

export interface OutputDefinition {
  /** The output's code; a material of another matter with `provenBy.matterOutput` equal to it is this output. */
  code: string;
  name: string;
  /** Issued as an electronic licence of this type. */
  licenceType?: string;
  /**
   * The department's licence seal (a seal id of tech-capabilities, granted to the business
   * platform): with it the platform issues and seals the licence when the case is done (一窗出件);
   * without it the department issues the output itself and gives its reference.
   */
  seal?: string;
  /** The licence's data items (照面信息), each from a field of this matter: item name → field key. */
  data?: Record<string, string>;
}

/** The id a matter's field has in a bundle's merged form (and in a case's form). */
export function formIdOf(matterCode: string, field: Pick<FieldDefinition, 'subject' | 'element' | 'key'>): string {
  return field.element ? `${field.subject}.${field.element}` : `${field.subject}.${matterCode}:${field.key}`;
}

export interface WorkflowState {
  name: string;
  /** Working days allowed in this state (the clock pauses for named reasons). */
  limitDays?: number;
  /** What happens when the limit passes: an escalation event, or the part is deemed approved (视为同意). */
  onBreach?: 'escalate' | 'deem-approved';
  final?: boolean;
  /** For a final state: does reaching it approve the part (办结) or refuse it (不予办理)? */
  outcome?: 'approved' | 'rejected';
}

export interface WorkflowAction {
  name: string;
  from: string;
  to: string;
  /** Roles that may take it (e.g. `acceptor`, `approver`; `applicant` for the applicant's own actions). */
  roles: string[];
}

/** The matter's workflow as data (after eGov DIGIT's BusinessService): states, actions, roles, limits. */
export interface WorkflowDefinition {
  initial: string;
  states: WorkflowState[];
  actions: WorkflowAction[];
}

export interface MatterDefinition {
  /** 实施编码: this implementation of the matter (level and region specific). */
  code: string;
  /** 基本编码: the same at every level (三级四同 compares matters by it). */
  baseCode: string;
  name: string;
  type: MatterType;
  department: string;
  level: MatterLevel;
  /** GB/T 2260 code of the implementing region. */
  region: string;
  target: 'person' | 'company';
  legalBasis: string;
  acceptanceConditions: string[];
  /** 法定办结时限 in working days. */
  legalLimitDays: number;
  /** 承诺办结时限 in working days (≤ the legal limit). */
  committedLimitDays: number;
  /** 到现场次数 when handled alone. */
  visits: number;
  fields: FieldDefinition[];
  materials: MaterialDefinition[];
  outputs: OutputDefinition[];
  workflow: WorkflowDefinition;
}
