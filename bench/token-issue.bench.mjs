// npm run bench:token-issue — client-credentials token issuance by the OpenID provider on
// tech-capabilities (PostgreSQL-backed; RS256 JWT access tokens). Target (issue 3): ≥ 1,000/s.
// Options: BENCH_SECONDS (10), BENCH_CONNECTIONS (16).
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { obtainPostgres } from '../libs/testing/src/test-infrastructure.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const postgres = await obtainPostgres();
const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'apps/tech-capabilities/src/main.ts'], {
  env: {
    ...process.env,
    TS_NODE_PROJECT: 'tsconfig.json',
    PORT: String(port),
    DATABASE_URL: postgres.value,
    TRANSPORT: 'inprocess',
    SEED_DEMO: 'true',
    SUBJECT_KEY_SECRET: 'bench-subject-key-secret-0123456789',
    OIDC_COOKIE_SECRET: 'bench-cookie-secret-0123456789-0123456789',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      /* starting */
    }
    if (i > 400) throw new Error('tech-capabilities did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
  const run = (seconds) =>
    new Promise((resolve, reject) =>
      autocannon(
        {
          url: `${url}/oidc/token`,
          method: 'POST',
          connections: CONNECTIONS,
          duration: seconds,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from('demo-business-app:demo-business-app-secret').toString('base64')}`,
          },
          body: 'grant_type=client_credentials&scope=capabilities%3Ainvoke',
        },
        (err, r) => (err ? reject(err) : resolve(r)),
      ),
    );
  await run(3);
  const r = await run(SECONDS);
  const section = `
## bench:token-issue — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Client-credentials grants at \`/oidc/token\` of tech-capabilities (one process; client looked up in PostgreSQL; RS256-signed JWT access token), ${CONNECTIONS} connections, ${SECONDS} s after 3 s warm-up. Target: ≥ 1,000/s.

| tokens/s | p50 ms | p99 ms | requests | non-2xx | errors |
|---|---|---|---|---|---|
| ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.requests.total} | ${r.non2xx} | ${r.errors + r.timeouts} |
`;
  appendFileSync('docs/benchmarks.md', section);
  process.stdout.write(section);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await postgres.stop();
}
