import { isCitizenId, isCreditCode } from '@gmp/gov-standards';
import type { FieldError } from '@gmp/contracts';
import type { BundlePlan, PlannedField } from '../bundles/bundle.compiler.js';
import type { CaseMaterial } from './cases.entities.js';

/** What an application brings besides the applicant: the merged form's values, the materials. */
export interface ApplicationContent {
  /** Values by field id (`newborn.DE00002`, `applicant.<matter>:jfzh` …, as the bundle's plan lists them). */
  form: Record<string, unknown>;
  /** Uploaded materials by material code (the file store's id). */
  materials: Record<string, { fileId: string }>;
  /** 容缺: materials accepted missing, to be supplied later. */
  deferred: string[];
  /** 告知承诺: materials a signed commitment replaces. */
  committed: string[];
  commitmentSigned: boolean;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** A real calendar day (Date.parse takes 2026-02-30 for 2 March). */
function isDay(value: string): boolean {
  const day = value.slice(0, 10);
  const t = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
}

export function fieldProblem(f: PlannedField, value: unknown): string | null {
  switch (f.type) {
    case 'string':
      return typeof value === 'string' && value.trim().length > 0 && value.length <= 500 ? null : '须为 1–500 个字符 (1–500 characters)';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : '须为数值 (a number)';
    case 'boolean':
      return typeof value === 'boolean' ? null : '须为 true 或 false (a boolean)';
    case 'date':
      return typeof value === 'string' && DATE.test(value) && isDay(value) ? null : '须为日期 YYYY-MM-DD (a date)';
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(value) && isDay(value) && !Number.isNaN(Date.parse(value))
        ? null
        : '须为带时区的时间 (an ISO 8601 time with its offset)';
    case 'citizenId':
      return typeof value === 'string' && isCitizenId(value) ? null : '须为有效的公民身份号码 (a valid citizen ID number)';
    case 'creditCode':
      return typeof value === 'string' && isCreditCode(value) ? null : '须为有效的统一社会信用代码 (a valid unified social credit code)';
    case 'phone':
      return typeof value === 'string' && PHONE.test(value) ? null : '须为手机或固定电话号码 (a mobile or landline number)';
    case 'code':
      return typeof value === 'string' && (f.codeList ?? []).includes(value)
        ? null
        : `须为其中之一 (one of): ${(f.codeList ?? []).join(', ')}`;
  }
}

/**
 * Checks an application against the bundle's plan and answers everything at once (一次告知):
 * unknown, missing and malformed fields; materials to upload that are neither uploaded, accepted
 * missing (容缺, where every matter allows it) nor replaced by a commitment (告知承诺, likewise);
 * materials the applicant must not be asked for (免提交: produced by the bundle, proven by a
 * licence or shared data). Fields the data platform holds (`prefill`) may be left out.
 */
export function checkApplication(plan: BundlePlan, content: ApplicationContent): { errors: FieldError[]; materials: CaseMaterial[] } {
  const errors: FieldError[] = [];
  const fields = new Map(plan.form.map((f) => [f.id, f]));
  for (const id of Object.keys(content.form))
    if (!fields.has(id)) errors.push({ field: `form.${id}`, message: '一件事的表单中没有该字段 (no such field in the bundle’s form)' });
  for (const f of plan.form) {
    const value = content.form[f.id];
    if (value === undefined || value === null) {
      if (f.required && f.source === 'entered') errors.push({ field: `form.${f.id}`, message: `必填 (required): ${f.name}` });
      continue;
    }
    const problem = fieldProblem(f, value);
    if (problem) errors.push({ field: `form.${f.id}`, message: `${f.name}: ${problem}` });
  }
  const planned = new Map(plan.materials.map((m) => [m.code, m]));
  const named = [...Object.keys(content.materials), ...content.deferred, ...content.committed];
  for (const code of new Set(named)) {
    const m = planned.get(code);
    if (!m) errors.push({ field: `materials.${code}`, message: '一件事不需要该材料 (the bundle does not ask for this material)' });
    else if (m.status !== 'upload')
      errors.push({
        field: `materials.${code}`,
        message: `免提交，无需提供 (not asked: ${m.status === 'produced' ? `produced by ${m.producedBy}` : m.status})`,
      });
  }
  for (const code of new Set(named)) {
    const ways = [code in content.materials, content.deferred.includes(code), content.committed.includes(code)].filter(Boolean).length;
    if (ways > 1)
      errors.push({ field: `materials.${code}`, message: '同一材料只能上传、容缺或承诺其一 (upload, defer or commit — one of them)' });
  }
  const materials: CaseMaterial[] = [];
  for (const m of plan.materials) {
    const base = { code: m.code, name: m.name, kind: m.kind, matters: m.matters };
    if (m.status !== 'upload') {
      materials.push({ ...base, status: m.status });
      continue;
    }
    const upload = content.materials[m.code];
    if (upload) {
      if (typeof upload.fileId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(upload.fileId))
        errors.push({ field: `materials.${m.code}.fileId`, message: '文件标识无效 (an invalid file id)' });
      materials.push({ ...base, status: 'uploaded', fileId: upload.fileId });
    } else if (content.deferred.includes(m.code)) {
      if (!m.deferrable) errors.push({ field: `materials.${m.code}`, message: `该材料不可容缺 (cannot be accepted missing): ${m.name}` });
      materials.push({ ...base, status: 'deferred' });
    } else if (content.committed.includes(m.code)) {
      if (!m.commitment)
        errors.push({ field: `materials.${m.code}`, message: `该材料不适用告知承诺 (no commitment can replace it): ${m.name}` });
      materials.push({ ...base, status: 'committed' });
    } else errors.push({ field: `materials.${m.code}`, message: `缺少材料 (missing): ${m.name}` });
  }
  if ((content.deferred.length > 0 || content.committed.length > 0) && !content.commitmentSigned)
    errors.push({ field: 'commitmentSigned', message: '容缺受理与告知承诺须签署承诺书 (容缺 and 告知承诺 need the signed commitment)' });
  return { errors, materials };
}
