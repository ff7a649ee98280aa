// `npm test`: the whole suite, as CI runs it — module boundaries (lint), types, then every
// jest test (unit + integration against a real Kafka broker and a real PostgreSQL).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`需要 Node.js 24 (Node.js 24 required), found ${process.version}: run through npm (npm test) after npm install.`);
  process.exit(1);
}
const bin = (name) => join('node_modules', '.bin', name);
const env = { ...process.env, NX_DAEMON: 'false', TS_NODE_PROJECT: 'tsconfig.json' };

function step(title, command, args) {
  process.stdout.write(`\n== ${title} ==\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  process.stdout.write(`== ${title}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s ==\n`);
  return result.status ?? 1;
}

/**
 * The tests check seals and signatures with real verifiers (OpenSSL, poppler's pdfsig, NSS's
 * certutil, qpdf), never stand-ins, and render deploy/compose with docker-compose: missing ones
 * are installed from Debian's packages when this runs as root (as CI does), otherwise named.
 */
function ensureVerifierTools() {
  // kubectl (deploy/k8s is rendered with its kustomize) is not in Debian's packages: it must be there.
  if (spawnSync('sh', ['-c', 'command -v kubectl']).status !== 0) {
    console.error(
      '测试需要 kubectl (the tests need kubectl: deploy/k8s is rendered with `kubectl kustomize`) — https://kubernetes.io/docs/tasks/tools/',
    );
    process.exit(1);
  }
  const tools = {
    openssl: 'openssl',
    pdfsig: 'poppler-utils',
    certutil: 'libnss3-tools',
    qpdf: 'qpdf',
    'docker-compose': 'docker-compose',
  };
  const missing = Object.entries(tools).filter(([tool]) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  if (process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0) {
    process.stdout.write(`\n== installing verifier tools (${packages.join(' ')}) ==\n`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    if (
      spawnSync('apt-get', ['install', '-y', '-qq', ...packages], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      }).status === 0
    )
      return;
  }
  console.error(`测试需要 (the tests need): ${missing.map(([t]) => t).join(', ')} — apt-get install -y ${packages.join(' ')}`);
  process.exit(1);
}

/** What Prettier keeps formatted (.prettierrc.json; `npm run format`). */
const FORMATTED = ['apps/**/*.ts', 'libs/**/*.ts', 'scripts/**/*.{ts,mjs}', 'bench/**/*.{ts,mjs}', '*.mjs', 'deploy/**/*.mjs'];

const only = process.argv.slice(2);
ensureVerifierTools();
if (only.length === 0) {
  if (step('project graph', bin('nx'), ['show', 'projects']) !== 0) process.exit(1);
  if (step('lint (module boundaries)', bin('eslint'), ['apps', 'libs', 'scripts', 'bench']) !== 0) process.exit(1);
  if (step('format (prettier --check; npm run format fixes it)', bin('prettier'), ['--check', '--log-level', 'warn', ...FORMATTED]) !== 0)
    process.exit(1);
  if (step('type check', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']) !== 0) process.exit(1);
  if (
    step('build (nx run-many -t build: each app bundled, with its pruned package.json and lock file)', bin('nx'), [
      'run-many',
      '-t',
      'build',
    ]) !== 0
  )
    process.exit(1);
  if (
    step('configuration reference regenerated from the classes (npm run docs:config)', process.execPath, [
      '--import',
      '@swc-node/register/esm-register',
      'scripts/config-reference.ts',
      '--check',
    ]) !== 0
  )
    process.exit(1);
  if (step('benchmark summary regenerated from its runs', process.execPath, ['scripts/benchmarks-summary.mjs', '--check']) !== 0)
    process.exit(1);
}
const report = join(mkdtempSync(join(tmpdir(), 'gmp-jest-')), 'report.json');
const status = step('jest (unit + integration on real Kafka and PostgreSQL)', process.execPath, [
  '--experimental-vm-modules',
  '--disable-warning=ExperimentalWarning',
  '--disable-warning=TimeoutNegativeWarning',
  'node_modules/jest/bin/jest.js',
  '--ci',
  '--json',
  `--outputFile=${report}`,
  ...only,
]);
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  process.stdout.write(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped\n`);
} catch {
  process.stdout.write('\ntests: 0 passed, 1 failed\n');
}
process.exit(status);
