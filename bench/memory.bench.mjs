// npm run bench:memory — what each service holds in memory when nobody calls it (issue 17:
// each service idle from the build output < 256 MB RSS, standalone idle < 600 MB). Builds the
// apps (nx run-many -t build), then, side by side in one run: the four services from the build
// output as the image runs them (its NODE_OPTIONS), the same from sources through the runtime
// transpiler, and standalone both ways; each set is started, left alone to settle, and its RSS
// read from /proc. Production settings (no demo data). Appends the figures to docs/benchmarks.md.
// Options (env): BENCH_SETTLE_SECONDS (180: start-up garbage is collected; a service that has
// rendered a licence releases its font a minute later).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { appendFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { obtainKafka, obtainPostgres, obtainRedis } from '../libs/testing/src/test-infrastructure.mjs';
import { benchEnv, freePort, imageNodeOptions, rssMb, startApps, untilReady } from './bench-kit.mjs';

const SETTLE = Number(process.env.BENCH_SETTLE_SECONDS ?? 180);
const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const APPS = ['tech-capabilities', 'data-platform', 'service-dispatch', 'business-platform'];
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

async function standalone(env, built) {
  const portBase = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'gmp-bench-standalone-'));
  const entry = built ? ['dist/apps/standalone/main.js'] : ['--import', '@swc-node/register/esm-register', 'apps/standalone/src/main.ts'];
  const child = spawn(process.execPath, entry, {
    env: {
      PATH: process.env.PATH,
      TS_NODE_PROJECT: 'tsconfig.json',
      STANDALONE_DATA_DIR: dataDir,
      STANDALONE_PORT_BASE: String(portBase),
      LOG_LEVEL: 'warn',
      ...env,
      ...(built ? { NODE_OPTIONS: imageNodeOptions() } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await untilReady('standalone', child, `http://127.0.0.1:${portBase}`, 180_000);
  return {
    pid: child.pid,
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))),
  };
}

const started = [];
try {
  log('building the apps (nx run-many -t build)');
  const build = spawnSync('node_modules/.bin/nx', ['run-many', '-t', 'build'], {
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (build.status !== 0) throw new Error('nx build failed');
  const postgres = await obtainPostgres();
  started.push(postgres);
  const kafka = await obtainKafka(log);
  started.push(kafka);
  const redis = await obtainRedis();
  const env = benchEnv(
    { postgres, kafka, redis },
    { NODE_ENV: 'production', SEED_DEMO: 'false', INTERNAL_API_TOKEN: 'bench-internal-api-token-0123456789' },
  );

  const results = [];
  for (const built of [true, false]) {
    const how = built ? 'build output' : 'sources (runtime transpiler)';
    log(`four services from ${how}: starting, then ${SETTLE} s idle`);
    const { apps, stop } = await startApps(APPS, env, { built });
    const afterStart = Object.fromEntries(apps.map((a) => [a.app, rssMb(a.child.pid)]));
    await sleep(SETTLE);
    for (const a of apps)
      results.push({ what: `${a.app} — ${how}`, start: afterStart[a.app], idle: rssMb(a.child.pid), target: 256, built });
    await stop();
  }
  for (const built of [true, false]) {
    const how = built ? 'build output' : 'sources (runtime transpiler)';
    log(`standalone from ${how}: starting, then ${SETTLE} s idle`);
    const s = await standalone({}, built);
    const start = rssMb(s.pid);
    await sleep(SETTLE);
    results.push({ what: `standalone — ${how}`, start, idle: rssMb(s.pid), target: 600, built });
    await s.stop();
  }

  const rows = results.map(
    (r) =>
      `| ${r.what} | ${r.start} | ${r.idle} | ${r.built ? `< ${r.target}` : '—'} | ${r.built ? (r.idle < r.target ? 'met' : 'missed') : '—'} |`,
  );
  const section = `
## bench:memory — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka: ${kafka.source}; PostgreSQL: ${postgres.description.split(',')[0]}.
Each set started alone with production settings (NODE_ENV=production, no demo data), RSS read from /proc once ready ("start") and after ${SETTLE} s without a call ("idle"). The build output runs as the image runs it: \`node dist/apps/<app>/main.js\` with NODE_OPTIONS=\`${imageNodeOptions()}\` (deploy/docker/Dockerfile); sources run as \`npm start\` and \`nx serve\` do, without those options. Targets apply to the build output (issue 17).

| process | RSS MB at start | RSS MB idle | target MB | idle |
|---|---|---|---|---|
${rows.join('\n')}
`;
  appendFileSync('docs/benchmarks.md', section);
  process.stdout.write(section);
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
}
