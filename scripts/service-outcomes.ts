/**
 * `npm run docs:service-outcomes`: docs/service-outcomes.md, the 四减 of the demo bundles as the
 * platform computes them. Starts the platform in standalone mode on a fresh data directory
 * (simulated departments, no delay), applies for each demo bundle as its demo applicant would —
 * typing only what the data platform cannot fill, handing in only what is not exempt —, waits
 * for the cases to settle, then asks the business platform for its figures
 * (`GET /internal/v1/business/outcomes`) and writes them, targets met or missed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CITIZENS, DEMO_COMPANIES } from '@gmp/gov-standards';
import type { BundleOutcomes } from '@gmp/feature-business';

const CASES_PER_BUNDLE = 3;
type Field = { id: string; type: string; source: string; required: boolean; codeList?: string[] };
type Material = { code: string; status: string };
type Plan = { form: Field[]; materials: Material[]; name: string };

const [zhang, , wang] = DEMO_CITIZENS;
const [tech, food] = DEMO_COMPANIES;
/** Each demo bundle with its demo applicant (the population and legal-person libraries hold them). */
const APPLICATIONS: {
  bundle: string;
  applicant: { id: string; name: string };
  /** The person an ID-number field names: the applicant, or a company's legal representative (as the demo data has them). */
  person: string;
  subjects?: Record<string, string>;
}[] = [
  { bundle: 'JS-YJS-XSECS', applicant: wang, person: wang.id, subjects: { mother: wang.id } },
  { bundle: 'JS-YJS-QYKB', applicant: tech, person: zhang.id },
  { bundle: 'JS-YJS-KBCYD', applicant: food, person: wang.id },
];

async function freePortBase(): Promise<number> {
  // Four consecutive ports: the first free one found, then trusted (the standalone fails loudly otherwise).
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port > 60_000 ? port - 10 : port));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`等待超时 (timed out waiting for) ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function valueFor(f: Field, applicantId: string, person: string): unknown {
  if (f.type === 'code') return f.codeList?.[0];
  return (
    {
      string: '示例值',
      number: 10,
      boolean: true,
      date: '2026-11-30',
      datetime: '2026-11-30T08:15:00+08:00',
      citizenId: person,
      creditCode: applicantId,
      phone: '13800138000',
    } as Record<string, unknown>
  )[f.type];
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gmp-outcomes-'));
  const portBase = await freePortBase();
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'apps/standalone/src/main.ts'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      STANDALONE_DATA_DIR: dataDir,
      STANDALONE_PORT_BASE: String(portBase),
      BUSINESS_SIMULATED_DELAY_MS: '0',
      LOG_LEVEL: 'warn',
    },
  });
  try {
    const base = `http://127.0.0.1:${portBase + 3}/internal/v1/business`;
    const token = await waitFor(
      'the internal token',
      async () => readFileSync(join(dataDir, 'gmp-internal-api-token'), 'utf8').trim() || null,
      120_000,
    );
    const headers = { 'x-internal-token': token, 'content-type': 'application/json' };
    const get = async (path: string) => {
      const r = await fetch(`${base}${path}`, { headers });
      if (!r.ok) throw new Error(`${path}: ${r.status}`);
      return r.json() as Promise<unknown>;
    };
    await waitFor(
      'the demo bundles',
      async () => (((await get('/bundles')) as { bundles: unknown[] }).bundles.length >= 4 ? true : null),
      180_000,
    );
    const caseNos: string[] = [];
    for (const a of APPLICATIONS) {
      const plan = ((await get(`/bundles/${a.bundle}`)) as { plan: Plan }).plan;
      for (let i = 0; i < CASES_PER_BUNDLE; i++) {
        // Typed: what the data platform does not hold; handed in: what no output, licence or shared data proves.
        const form: Record<string, unknown> = Object.fromEntries(
          plan.form.filter((f) => f.source === 'entered').map((f) => [f.id, valueFor(f, a.applicant.id, a.person)]),
        );
        const materials = Object.fromEntries(
          plan.materials.filter((m) => m.status === 'upload').map((m) => [m.code, { fileId: `demo-${m.code.toLowerCase()}` }]),
        );
        const apply = () =>
          fetch(`${base}/applications`, {
            method: 'POST',
            headers: { ...headers, 'x-caller': 'service-outcomes@window' },
            body: JSON.stringify({
              bundleCode: a.bundle,
              applicant: a.applicant,
              form,
              materials,
              ...(a.subjects ? { subjects: a.subjects } : {}),
            }),
          });
        let r = await apply();
        if (r.status === 422) {
          // What the data platform could not fill after all is typed, as the applicant would be asked to.
          const asked = ((await r.json()) as { errors: { field: string }[] }).errors.map((e) => e.field.replace(/^form\./, ''));
          for (const f of plan.form.filter((x) => asked.includes(x.id))) form[f.id] = valueFor(f, a.applicant.id, a.person);
          r = await apply();
        }
        if (r.status !== 201) throw new Error(`${a.bundle}: ${r.status} ${await r.text()}`);
        caseNos.push(((await r.json()) as { caseNo: string }).caseNo);
      }
    }
    await waitFor(
      'the cases to settle',
      async () => {
        for (const no of caseNos) if (!((await get(`/cases/${no}`)) as { finishedAt: string | null }).finishedAt) return null;
        return true;
      },
      300_000,
    );
    // 免申即享: the demo parents' health-kit cases, opened by the platform itself (no application) when their tag was heard, settled.
    await waitFor(
      'the apply-free cases',
      async () => {
        const kit = ((await get('/outcomes')) as { bundles: BundleOutcomes[] }).bundles.find((b) => b.bundleCode === 'JS-YJS-JKLB');
        return kit && kit.cases.measured >= 2 ? true : null;
      },
      180_000,
    );
    const outcomes = ((await get('/outcomes')) as { bundles: BundleOutcomes[] }).bundles.sort((x, y) =>
      x.bundleCode.localeCompare(y.bundleCode),
    );
    writeFileSync('docs/service-outcomes.md', render(outcomes, caseNos.length));
    process.stdout.write(`docs/service-outcomes.md: ${outcomes.length} bundles, ${caseNos.length} cases\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function render(bundles: BundleOutcomes[], cases: number): string {
  const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)} %`);
  const n = (x: number | null) => (x === null ? '—' : String(x));
  const lines = [
    '# 四减, computed by the platform (service outcomes)',
    '',
    `> Generated by \`npm run docs:service-outcomes\` on ${new Date().toISOString().slice(0, 10)} — do not edit by hand. The platform in`,
    `> standalone mode, the demo catalogue and data, ${CASES_PER_BUNDLE} applications per demo bundle by its demo applicant (${cases} in all),`,
    '> departments simulated without delay; figures from `GET /internal/v1/business/outcomes` (the bundle compiler for the',
    '> catalogue, the settled cases for the rest).',
    '',
    '## From the catalogue: the matters one by one, and as one bundle',
    '',
    '| bundle | steps | materials | form fields | visits | committed working days | legal working days |',
    '|---|---|---|---|---|---|---|',
    ...bundles.map((b) => {
      const s = b.catalogue.separately;
      const t = b.catalogue.asBundle;
      return `| ${b.name} (\`${b.bundleCode}\` v${b.bundleVersion}) | ${s.steps} → ${t.steps} | ${s.materials} → ${t.materials} | ${s.fields} → ${t.fields} | ${s.visits} → ${t.visits} | ${s.committedDays} → ${t.committedDays} | ${s.legalDays} → ${t.legalDays} |`;
    }),
    '',
    '| bundle | fields the data platform holds (prefillable) | materials to hand in | materials exempt (produced, licence, shared data) |',
    '|---|---|---|---|',
    ...bundles.map(
      (b) =>
        `| ${b.name} | ${b.catalogue.form.prefillable} of ${b.catalogue.form.fields} (${pct(b.catalogue.form.prefillableShare)}) | ${b.catalogue.materialsToUpload} | ${b.catalogue.materialsExempt} |`,
    ),
    '',
    '## From the cases',
    '',
    '| bundle | cases | elapsed working days (p50 / max) | materials handed in (mean; share with none) | fields typed (mean) | fields prefilled (mean share) |',
    '|---|---|---|---|---|---|',
    ...bundles.map(
      (b) =>
        `| ${b.name} | ${b.cases.measured} | ${n(b.cases.elapsedWorkingDays.p50)} / ${n(b.cases.elapsedWorkingDays.max)}${b.cases.provisional ? ' (provisional)' : ''} | ${n(b.cases.materialsUploaded.mean)}; ${pct(b.cases.materialsUploaded.zeroShare)} | ${n(b.cases.fieldsTyped.mean)} | ${pct(b.cases.fieldsPrefilledShare.mean)} |`,
    ),
    '',
  ];
  const newborn = bundles.find((b) => b.bundleCode === 'JS-YJS-XSECS');
  if (newborn) {
    const goals: [string, boolean][] = [
      ['0 materials handed in', newborn.cases.materialsUploaded.max === 0],
      ['≥ 80 % of fields prefilled', (newborn.cases.fieldsPrefilledShare.mean ?? 0) >= 0.8],
      ['≤ 5 committed working days', newborn.catalogue.asBundle.committedDays <= 5],
    ];
    lines.push(
      '## 新生儿出生: the goals of issue 16',
      '',
      '| goal | figure | |',
      '|---|---|---|',
      `| ${goals[0]![0]} | at most ${n(newborn.cases.materialsUploaded.max)} per case | ${goals[0]![1] ? 'met' : '**missed**'} |`,
      `| ${goals[1]![0]} | ${pct(newborn.cases.fieldsPrefilledShare.mean)} | ${goals[1]![1] ? 'met' : '**missed**'} |`,
      `| ${goals[2]![0]} | ${newborn.catalogue.asBundle.committedDays} | ${goals[2]![1] ? 'met' : '**missed**'} |`,
      '',
      'What is still typed: the newborn (name, sex, time of birth) — the data platform has no record of a person before the',
      'birth certificate this very case issues — and the father — the platform prefills only the applicant’s own data;',
      'another person’s needs their authorisation (not built yet). The seeds report 32 → 5 days and 9 → 2 materials.',
      '',
    );
  }
  return lines.join('\n');
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
