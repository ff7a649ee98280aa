// Shared by the benchmark scripts: start a service as its own process, the way operators run it.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/**
 * Starts apps/<app>/src/main.ts on a free port and waits until /health/ready answers 200 — or,
 * with `{ built: true }`, the build output dist/apps/<app>/main.js as the image runs it (the
 * Dockerfile's NODE_OPTIONS; `nx run <app>:build` first).
 */
export async function startApp(app, env, { built = false } = {}) {
  const port = await freePort();
  // BENCH_PROFILE=dir writes each app's V8 CPU profile there when it stops (Node refuses --cpu-prof in NODE_OPTIONS).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const entry = built ? [`dist/apps/${app}/main.js`] : ['--import', '@swc-node/register/esm-register', `apps/${app}/src/main.ts`];
  const child = spawn(process.execPath, [...profile, ...entry], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      TS_NODE_PROJECT: 'tsconfig.json',
      ...(built ? { NODE_OPTIONS: imageNodeOptions() } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await untilReady(app, child, `http://127.0.0.1:${port}`, 90_000);
  return { app, child, url: `http://127.0.0.1:${port}` };
}

/** NODE_OPTIONS of the image's runtime stage (deploy/docker/Dockerfile). */
export function imageNodeOptions() {
  const m = /NODE_OPTIONS="([^"]*)"/.exec(readFileSync('deploy/docker/Dockerfile', 'utf8'));
  if (!m) throw new Error('deploy/docker/Dockerfile sets no NODE_OPTIONS');
  return m[1];
}

/** Waits until `url`/health/ready answers 200; throws with the process's last stderr if it exits or the time is up. */
export async function untilReady(name, child, url, timeoutMs) {
  let err = '';
  child.stderr.on('data', (d) => {
    err = (err + d).slice(-4000);
    if (process.env.BENCH_APP_STDERR) process.stderr.write(d);
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${err}`);
    if (
      await fetch(`${url}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`${name} not ready: ${err}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function rssMb(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return Math.round(Number(line.split(/\s+/)[1]) / 1024);
  } catch {
    return null;
  }
}

const TICKS = 100; // USER_HZ on Linux
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}
export function postgresPids() {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim().startsWith('postgres');
      } catch {
        return false;
      }
    })
    .map(Number);
}
/** CPU seconds used by each process (and all PostgreSQL processes together) since `before`. */
export function cpuSnapshot(pids) {
  const snap = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid)]));
  snap['postgresql (all processes)'] = postgresPids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  snap['load generator (this process)'] = cpuSeconds(process.pid);
  return snap;
}

/**
 * The services' environment every benchmark shares (a real PostgreSQL, Kafka and Redis; fixed
 * dev secrets; warn-level logs; BENCH_PROFILE=dir writes V8 CPU profiles there), plus `extra`.
 */
export function benchEnv({ postgres, kafka, redis }, extra = {}) {
  return {
    NODE_ENV: 'development', // production refuses demo data, which the benchmarks need
    DATABASE_URL: postgres.value,
    KAFKA_BROKERS: kafka.value,
    REDIS_URL: redis.value,
    SUBJECT_KEY_SECRET: 'bench-subject-key-secret-0123456789',
    CRYPTO_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Starts the apps one after the other; `stop()` ends them all (SIGTERM) and waits for their exit. */
export async function startApps(names, env, options = {}) {
  const apps = [];
  for (const name of names) apps.push(await startApp(name, env, options));
  const stop = () =>
    Promise.all(
      apps.map((s) =>
        s.child.exitCode !== null
          ? undefined
          : new Promise((r) => {
              s.child.once('exit', r);
              s.child.kill('SIGTERM');
            }),
      ),
    );
  return { apps, stop };
}
