import { type FieldType, formIdOf, type MatterDefinition } from '../matters/matter-definition.js';
import type { BundleDefinition } from './bundle-definition.js';
import { findCycle, topological } from './dependency-graph.js';

/** Where the data platform keeps a data element (from its catalogue): the form field can be prefilled from there. */
export interface ElementSource {
  element: string;
  type?: FieldType;
  resources: { resourceCode: string; department: string }[];
}

export type CompileErrorCode =
  | 'UNKNOWN_MATTER'
  | 'DUPLICATE_MATTER'
  | 'TARGET_MISMATCH'
  | 'UNKNOWN_DEPENDENCY'
  | 'CYCLE'
  | 'FIELD_WITHOUT_TYPE'
  | 'FIELD_TYPE_CONFLICT'
  | 'MATERIAL_UNPROVIDABLE'
  | 'EMPTY_BUNDLE';

export interface CompileError {
  code: CompileErrorCode;
  /** Where in the definition: `matters[2].after[0]`, `matter 11320100MB0001/fields[3]` … */
  path: string;
  message: string;
}

export interface PlannedField {
  /** `subject.element` for a field with a data element, `subject.matter:key` for one only a matter asks. */
  id: string;
  name: string;
  subject: string;
  element: string | null;
  type: FieldType;
  required: boolean;
  codeList?: string[];
  /** `prefill`: the data platform holds it (values and provenance come at application, under the caller's grants); `entered`: the applicant types it. */
  source: 'prefill' | 'entered';
  prefillFrom: { resourceCode: string; department: string }[];
  matters: string[];
}

export interface PlannedMaterial {
  code: string;
  name: string;
  kind: 'key' | 'secondary';
  /**
   * `produced`: an earlier matter of the bundle outputs it (never asked of the applicant);
   * `licence`: proven by the applicant's e-licence; `shared-data`: proven by shared data;
   * `upload`: handed in.
   */
  status: 'produced' | 'licence' | 'shared-data' | 'upload';
  producedBy?: string;
  licenceType?: string;
  resource?: string;
  /** 容缺: may be missing at acceptance (only when every matter that needs it allows it). */
  deferrable: boolean;
  /** 告知承诺: a signed commitment may replace it (only when every matter that needs it allows it). */
  commitment: boolean;
  matters: string[];
}

export interface BundlePlan {
  code: string;
  version: number;
  name: string;
  kind: 'theme' | 'free';
  target: 'person' | 'company';
  onRejection: 'continue' | 'stop-all';
  intake: string[];
  matters: {
    code: string;
    name: string;
    department: string;
    /** 办理地: the matter's region (GB/T 2260; absent from plans compiled before 跨域办). */
    region?: string;
    after: string[];
    stage: number;
    legalLimitDays: number;
    committedLimitDays: number;
    outputs: { code: string; name: string; licenceType?: string }[];
  }[];
  /** Matters by stage: those of one stage run in parallel once the earlier stages are done. */
  stages: string[][];
  /** The longest chain by committed working days: the bundle's committed time limit. */
  criticalPath: { matters: string[]; committedDays: number; legalDays: number };
  departments: string[];
  form: PlannedField[];
  materials: PlannedMaterial[];
  /** The figures of 四减 from the catalogue: the matters handled one by one, and as this bundle. */
  reduction: {
    separately: { steps: number; materials: number; fields: number; committedDays: number; legalDays: number; visits: number };
    asBundle: { steps: number; materials: number; fields: number; committedDays: number; legalDays: number; visits: number };
  };
}

export type CompileResult = { ok: true; plan: BundlePlan } | { ok: false; errors: CompileError[] };

/**
 * The bundle compiler: a bundle definition and the matters it names → one executable plan (merged
 * form, merged materials, dependency stages, critical path), or every error found, each with
 * where it is. Pure: the catalogue and the data platform's element sources are given.
 */
export function compileBundle(
  bundle: BundleDefinition,
  catalogue: ReadonlyMap<string, MatterDefinition>,
  elements: ReadonlyMap<string, ElementSource> = new Map(),
): CompileResult {
  const errors: CompileError[] = [];
  const fail = (code: CompileErrorCode, path: string, message: string) => errors.push({ code, path, message });

  if (bundle.matters.length === 0) fail('EMPTY_BUNDLE', 'matters', '一件事至少包含一个事项 (a bundle has at least one matter)');
  const matters: MatterDefinition[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of bundle.matters.entries()) {
    const matter = catalogue.get(entry.matter);
    if (seen.has(entry.matter)) fail('DUPLICATE_MATTER', `matters[${i}]`, `事项重复 (matter listed twice): ${entry.matter}`);
    seen.add(entry.matter);
    if (!matter) {
      fail('UNKNOWN_MATTER', `matters[${i}].matter`, `目录中没有该事项 (no such matter in the catalogue): ${entry.matter}`);
      continue;
    }
    if (matter.target !== bundle.target)
      fail(
        'TARGET_MISMATCH',
        `matters[${i}]`,
        `事项服务对象为 ${matter.target}，一件事为 ${bundle.target} (the matter serves ${matter.target}, the bundle ${bundle.target})`,
      );
    matters.push(matter);
  }
  const inBundle = new Map(matters.map((m) => [m.code, m]));

  // Which matter of the bundle outputs what.
  const producerOf = new Map<string, MatterDefinition>();
  for (const m of matters) for (const o of m.outputs) if (!producerOf.has(o.code)) producerOf.set(o.code, m);

  // Dependencies: declared (`after`) and implied (a material another matter of the bundle outputs).
  const after = new Map<string, Set<string>>(matters.map((m) => [m.code, new Set<string>()]));
  for (const [i, entry] of bundle.matters.entries()) {
    if (!inBundle.has(entry.matter)) continue;
    for (const [j, dep] of (entry.after ?? []).entries()) {
      if (!inBundle.has(dep))
        fail('UNKNOWN_DEPENDENCY', `matters[${i}].after[${j}]`, `依赖的事项不在本一件事中 (depends on a matter not in the bundle): ${dep}`);
      else after.get(entry.matter)!.add(dep);
    }
  }
  for (const m of matters)
    for (const material of m.materials) {
      const producer = material.provenBy?.matterOutput ? producerOf.get(material.provenBy.matterOutput) : undefined;
      if (producer && producer.code !== m.code) after.get(m.code)!.add(producer.code);
    }
  const cycle = findCycle(after);
  if (cycle) fail('CYCLE', 'matters', `事项之间存在循环依赖 (the matters depend on each other in a cycle): ${cycle.join(' → ')}`);

  // One form: fields merged by subject and data element.
  const form = new Map<string, PlannedField>();
  for (const m of matters)
    for (const [k, f] of m.fields.entries()) {
      const subject = f.subject ?? (bundle.target === 'company' ? 'company' : 'applicant');
      const id = formIdOf(m.code, { subject, element: f.element, key: f.key });
      const source = f.element ? elements.get(f.element) : undefined;
      const type = f.type ?? source?.type;
      const path = `matter ${m.code}/fields[${k}]`;
      if (!type) {
        fail('FIELD_WITHOUT_TYPE', path, `字段没有类型 (the field has no type, and its data element none): ${f.key}`);
        continue;
      }
      const existing = form.get(id);
      if (existing) {
        if (existing.type !== type)
          fail(
            'FIELD_TYPE_CONFLICT',
            path,
            `同一数据元类型不一致 (the same data element with another type): ${id} is ${existing.type} in ${existing.matters.join(', ')}, ${type} here`,
          );
        existing.required ||= f.required ?? false;
        existing.matters.push(m.code);
        continue;
      }
      const prefillFrom = source?.resources ?? [];
      form.set(id, {
        id,
        name: f.name,
        subject,
        element: f.element ?? null,
        type,
        required: f.required ?? false,
        ...(f.codeList ? { codeList: f.codeList } : {}),
        source: prefillFrom.length > 0 ? 'prefill' : 'entered',
        prefillFrom,
        matters: [m.code],
      });
    }

  // One set of materials: merged by code; what the bundle produces or a licence or shared data proves is never asked.
  const materials = new Map<string, PlannedMaterial>();
  for (const m of matters)
    for (const [k, mat] of m.materials.entries()) {
      const proof = mat.provenBy ?? {};
      const producer = proof.matterOutput ? producerOf.get(proof.matterOutput) : undefined;
      const produced = producer && producer.code !== m.code ? producer : undefined;
      const status: PlannedMaterial['status'] = produced
        ? 'produced'
        : proof.licenceType
          ? 'licence'
          : proof.resource
            ? 'shared-data'
            : 'upload';
      if (status === 'upload' && mat.upload === false)
        fail(
          'MATERIAL_UNPROVIDABLE',
          `matter ${m.code}/materials[${k}]`,
          `该材料不可上传，也无从证明 (the material cannot be handed in and nothing in the bundle proves it): ${mat.code} ${mat.name}`,
        );
      const deferrable = mat.kind === 'secondary' && (mat.deferrable ?? false);
      const commitment = mat.commitment ?? false;
      const existing = materials.get(mat.code);
      if (existing) {
        existing.matters.push(m.code);
        // The strictest need wins: key over secondary; 容缺 and 告知承诺 only if every matter allows them.
        if (mat.kind === 'key') existing.kind = 'key';
        existing.deferrable &&= deferrable && existing.kind === 'secondary';
        existing.commitment &&= commitment;
        if (rank(status) < rank(existing.status)) Object.assign(existing, proofFields(status, produced, proof));
        continue;
      }
      materials.set(mat.code, {
        code: mat.code,
        name: mat.name,
        kind: mat.kind,
        ...proofFields(status, produced, proof),
        status,
        deferrable,
        commitment,
        matters: [m.code],
      });
    }

  if (errors.length > 0 || cycle) return { ok: false, errors };

  // Stages (longest chain of dependencies before each matter) and the critical path by committed days.
  const stage = new Map<string, number>();
  const finish = new Map<string, { days: number; legal: number; path: string[] }>();
  const order = topological(after);
  for (const code of order) {
    const m = inBundle.get(code)!;
    const deps = [...after.get(code)!];
    stage.set(code, deps.length === 0 ? 0 : Math.max(...deps.map((d) => stage.get(d)!)) + 1);
    const longest = deps.map((d) => finish.get(d)!).sort((a, b) => b.days - a.days)[0];
    finish.set(code, {
      days: (longest?.days ?? 0) + m.committedLimitDays,
      legal: (longest?.legal ?? 0) + m.legalLimitDays,
      path: [...(longest?.path ?? []), code],
    });
  }
  const critical = [...finish.values()].sort((a, b) => b.days - a.days)[0]!;
  const stages: string[][] = [];
  for (const code of bundle.matters.map((e) => e.matter)) (stages[stage.get(code)!] ??= []).push(code);

  const fields = [...form.values()];
  const planMaterials = [...materials.values()];
  const rawFields = matters.reduce((n, m) => n + m.fields.length, 0);
  const rawMaterials = matters.reduce((n, m) => n + m.materials.length, 0);
  const plan: BundlePlan = {
    code: bundle.code,
    version: bundle.version,
    name: bundle.name,
    kind: bundle.kind,
    target: bundle.target,
    onRejection: bundle.onRejection,
    intake: bundle.intake ?? [],
    matters: bundle.matters.map((e) => {
      const m = inBundle.get(e.matter)!;
      return {
        code: m.code,
        name: m.name,
        department: m.department,
        region: m.region,
        after: [...after.get(m.code)!],
        stage: stage.get(m.code)!,
        legalLimitDays: m.legalLimitDays,
        committedLimitDays: m.committedLimitDays,
        outputs: m.outputs.map((o) => ({ code: o.code, name: o.name, ...(o.licenceType ? { licenceType: o.licenceType } : {}) })),
      };
    }),
    stages,
    criticalPath: { matters: critical.path, committedDays: critical.days, legalDays: critical.legal },
    departments: [...new Set(matters.map((m) => m.department))],
    form: fields,
    materials: planMaterials,
    reduction: {
      separately: {
        steps: matters.reduce((n, m) => n + m.workflow.actions.filter((a) => !a.roles.includes('applicant')).length, 0),
        materials: rawMaterials,
        fields: rawFields,
        committedDays: matters.reduce((n, m) => n + m.committedLimitDays, 0),
        legalDays: matters.reduce((n, m) => n + m.legalLimitDays, 0),
        visits: matters.reduce((n, m) => n + m.visits, 0),
      },
      asBundle: {
        // One intake for the bundle, then each department's own approval steps after acceptance.
        steps:
          1 +
          matters.reduce(
            (n, m) => n + m.workflow.actions.filter((a) => !a.roles.includes('applicant') && a.from !== m.workflow.initial).length,
            0,
          ),
        materials: planMaterials.filter((x) => x.status === 'upload').length,
        fields: fields.filter((f) => f.source === 'entered').length,
        committedDays: critical.days,
        legalDays: critical.legal,
        visits: matters.some((m) => m.visits > 0) ? 1 : 0,
      },
    },
  };
  return { ok: true, plan };
}

function rank(status: PlannedMaterial['status']): number {
  return ['produced', 'licence', 'shared-data', 'upload'].indexOf(status);
}

function proofFields(
  status: PlannedMaterial['status'],
  producer: MatterDefinition | undefined,
  proof: { licenceType?: string; resource?: string },
): Pick<PlannedMaterial, 'status' | 'producedBy' | 'licenceType' | 'resource'> {
  if (status === 'produced') return { status, producedBy: producer!.code };
  if (status === 'licence') return { status, licenceType: proof.licenceType! };
  if (status === 'shared-data') return { status, resource: proof.resource! };
  return { status };
}
