// npm run bench:standalone — the e-licence lookup through dispatch in standalone mode (one
// process, embedded PGlite served over pglite-socket, in-process transport), to show what the
// trial mode carries. Appends to docs/benchmarks.md. Options: BENCH_SECONDS (10), BENCH_CONNECTIONS (8).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const dataDir = mkdtempSync(join(tmpdir(), 'gmp-bench-standalone-'));
const env = {
  PATH: process.env.PATH,
  TS_NODE_PROJECT: 'tsconfig.json',
  STANDALONE_DATA_DIR: dataDir,
  STANDALONE_PORT_BASE: '0',
  LOG_LEVEL: 'warn',
  DISPATCH_RATE_PER_SECOND: '0',
};
const started = Date.now();
const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'apps/standalone/src/main.ts'], {
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (out += d));
try {
  while (!/service-dispatch\s+(http:\/\/\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() - started > 120_000) throw new Error(`standalone did not start:\n${out.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const startupMs = Date.now() - started;
  const dispatch = /service-dispatch\s+(http:\/\/\S+)/.exec(out)[1];
  const run = (seconds) =>
    new Promise((resolve, reject) =>
      autocannon(
        {
          url: `${dispatch}/v1/capabilities/e-licence.query-by-holder/invoke`,
          method: 'POST',
          connections: CONNECTIONS,
          duration: seconds,
          headers: {
            'content-type': 'application/json',
            'x-legal-basis': 'demo.gov-data-sharing',
            authorization: `Basic ${Buffer.from('demo-portal:demo-portal-secret').toString('base64')}`,
          },
          body: JSON.stringify({ holderType: 'person', holderId: '11010519491231002X' }),
        },
        (err, r) => (err ? reject(err) : resolve(r)),
      ),
    );
  await run(3);
  const r = await run(SECONDS);
  const rss = Math.round(Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024);
  const section = `
## bench:standalone — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Standalone mode: one process, PGlite on disk behind pglite-socket (16 connections multiplexed onto one PGlite), in-process transport; the same lookup through dispatch (with the access log, outbox and audit), ${CONNECTIONS} connections, ${SECONDS} s after 3 s warm-up.

| req/s | p50 ms | p99 ms | requests | non-2xx | errors | start-up to ready | RSS |
|---|---|---|---|---|---|---|---|
| ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.requests.total} | ${r.non2xx} | ${r.errors + r.timeouts} | ${(startupMs / 1000).toFixed(1)} s (empty store: migrations + demo data) | ${rss} MB |

PGlite executes one statement at a time for all four services, so standalone mode is for trials and demos; cluster mode is what scales.
`;
  appendFileSync('docs/benchmarks.md', section);
  process.stdout.write(section);
} finally {
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
