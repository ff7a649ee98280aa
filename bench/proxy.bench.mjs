// npm run bench:proxy — the interface proxy (接口代理) against nginx (Debian package) as a reverse
// proxy to the same local upstream, side by side in one run; appends the figures to
// docs/benchmarks.md.
//
// The upstream is an nginx of its own answering a fixed JSON document (so the upstream costs
// both proxies the same, and little). Through dispatch every call is a real business-line call:
// AppKey credentials, grant, Redis rate limit, JSON Schema input check, JSONata request and
// answer mapping, call audit (hash chain in PostgreSQL) and metrics — then HTTP keep-alive to
// the upstream. nginx forwards the same request with keep-alive upstream connections.
// Needs: nginx (apt-get install nginx-light), Kafka (KAFKA_BROKERS or deploy/local/kafka),
// PostgreSQL, Redis. Options (env): BENCH_SECONDS (15), BENCH_CONNECTIONS (32), BENCH_WARMUP_SECONDS (3),
// BENCH_NGINX_WORKERS (auto).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { obtainKafka, obtainPostgres, obtainRedis } from '../libs/testing/src/test-infrastructure.mjs';
import { cpuSeconds, freePort, startApp } from './bench-kit.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const WORKERS = process.env.BENCH_NGINX_WORKERS ?? 'auto';
const BODY = JSON.stringify({ idNumber: '11010519491231002X', name: '张三' });
const ANSWER = JSON.stringify({ result: '一致', serial: 42, checkedAt: '2026-12-01T08:00:00+08:00' });
const INTERNAL_TOKEN = 'bench-internal-api-token';
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

const nginxBin = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
if (!nginxBin) {
  log('nginx 未安装 (nginx not installed): apt-get install nginx-light');
  process.exit(2);
}
const nginxVersion = spawnSync(nginxBin, ['-v'], { encoding: 'utf8' }).stderr.trim();

/** One nginx instance with its own prefix (config, pid, temp paths), in the foreground. */
async function startNginx(name, serverBlock, workers) {
  const prefix = mkdtempSync(join(tmpdir(), `bench-nginx-${name}-`));
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes ${workers};
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  keepalive_requests 1000000;
  ${serverBlock}
}
`,
  );
  const child = spawn(nginxBin, ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] });
  await new Promise((r) => setTimeout(r, 300));
  if (child.exitCode !== null) throw new Error(`nginx ${name} did not start (see ${prefix}/error.log)`);
  return {
    child,
    prefix,
    stop: async () => {
      child.kill('SIGQUIT');
      await new Promise((r) => setTimeout(r, 200));
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** CPU seconds of a process and its children (nginx master + workers). */
function treeCpu(pid) {
  const kids = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);
  return cpuSeconds(pid) + kids.reduce((s, k) => s + cpuSeconds(k), 0);
}

function load(url, headers, seconds) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections: CONNECTIONS,
        duration: seconds,
        headers: { 'content-type': 'application/json', ...headers },
        body: BODY,
        timeout: 10,
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
  });
}

async function measure(name, url, headers, pids) {
  await load(url, headers, WARMUP);
  const before = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, treeCpu(p)]));
  const r = await load(url, headers, SECONDS);
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, Math.round(((treeCpu(p) - before[k]) / SECONDS) * 100)]));
  const row = {
    name,
    rps: Math.round(r.requests.average),
    total: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    cpu,
  };
  log(`${name}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, non-2xx ${row.non2xx}, errors ${row.errors}`);
  return row;
}

async function call(method, url, body, headers) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const started = [];
try {
  const upstreamPort = await freePort();
  const proxyPort = await freePort();
  const upstream = await startNginx(
    'upstream',
    `server { listen 127.0.0.1:${upstreamPort}; location / { default_type application/json; return 200 '${ANSWER}'; } }`,
    1,
  );
  started.push(upstream);
  const nginxProxy = await startNginx(
    'proxy',
    `upstream backend { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server { listen 127.0.0.1:${proxyPort}; location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; } }`,
    WORKERS,
  );
  started.push(nginxProxy);

  const postgres = await obtainPostgres();
  started.push(postgres);
  const kafka = await obtainKafka(log);
  started.push(kafka);
  const redis = await obtainRedis();
  const dispatch = await startApp('service-dispatch', {
    NODE_ENV: 'development',
    DATABASE_URL: postgres.value,
    KAFKA_BROKERS: kafka.value,
    REDIS_URL: redis.value,
    SUBJECT_KEY_SECRET: 'bench-subject-key-secret-0123456789',
    CRYPTO_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'warn',
    INTERNAL_API_TOKEN: INTERNAL_TOKEN,
    PROXY_ALLOW_PRIVATE: 'true',
    DISPATCH_RATE_PER_SECOND: '100000',
    // BENCH_PROFILE=dir: a V8 CPU profile of dispatch written there when it stops (see startApp).
  });
  started.push({
    stop: async () => {
      dispatch.child.kill('SIGTERM');
      await new Promise((r) => dispatch.child.once('exit', r));
    },
  });

  // An operator registers the upstream; a business line subscribes; the owner approves.
  const internal = { 'x-internal-token': INTERNAL_TOKEN, 'x-caller': 'bench-ops' };
  await call(
    'POST',
    `${dispatch.url}/internal/v1/upstreams`,
    {
      code: 'proxy.bench.id-check',
      name: '身份核验（基准测试上游）',
      ownerDepartment: '基准测试',
      baseUrl: `http://127.0.0.1:${upstreamPort}`,
      path: '/v2/id/check',
      method: 'POST',
      auth: { kind: 'static-key', header: 'X-Api-Key', value: 'bench-key' },
      timeoutMs: 3000,
      cacheTtlSeconds: 0,
      requestMapping: '{ "sfzh": idNumber, "xm": name }',
      responseMapping: '{ "match": result = "一致", "serial": serial }',
      inputSchema: {
        type: 'object',
        required: ['idNumber', 'name'],
        properties: { idNumber: { type: 'string', maxLength: 18 }, name: { type: 'string', maxLength: 64 } },
        additionalProperties: false,
      },
    },
    internal,
  );
  const app = await call(
    'POST',
    `${dispatch.url}/internal/v1/apps`,
    { appKey: 'bench-line', name: '基准测试业务系统', ownerDepartment: '基准测试' },
    internal,
  );
  const auth = { authorization: `Basic ${Buffer.from(`bench-line:${app.appSecret}`).toString('base64')}` };
  const asked = await call('POST', `${dispatch.url}/v1/subscriptions`, { capability: 'proxy.bench.id-check', purpose: '基准测试' }, auth);
  await call('POST', `${dispatch.url}/internal/v1/subscriptions/${asked.id}/decision`, { decision: 'approve' }, internal);
  const check = await call('POST', `${dispatch.url}/v1/capabilities/proxy.bench.id-check/invoke`, JSON.parse(BODY), auth);
  if (check.match !== true) throw new Error(`unexpected answer ${JSON.stringify(check)}`);

  const pids = {
    'service-dispatch': dispatch.child.pid,
    'nginx proxy (master + workers)': nginxProxy.child.pid,
    'nginx upstream': upstream.child.pid,
  };
  const viaDispatch = await measure(
    'dispatch interface proxy (auth, grant, rate limit, schema, JSONata, audit)',
    `${dispatch.url}/v1/capabilities/proxy.bench.id-check/invoke`,
    { ...auth, 'x-purpose': 'bench' },
    pids,
  );
  const viaNginx = await measure(
    `nginx reverse proxy (worker_processes ${WORKERS}, keepalive upstream)`,
    `http://127.0.0.1:${proxyPort}/v2/id/check`,
    {},
    pids,
  );

  const ratio = (viaDispatch.rps / viaNginx.rps).toFixed(2);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const fmt = (r) => `| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.total} | ${r.non2xx} | ${r.errors} |`;
  const section = `
## bench:proxy — ${date} UTC

Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${nginxVersion} (Debian package); PostgreSQL: ${postgres.description.split(',')[0]}; Redis: ${redis.description ?? redis.value}.
Load: autocannon in the benchmark process, ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP} s warm-up, the same POST (a 60-byte JSON body). Upstream: an nginx of its own (1 worker) answering a fixed JSON document.

| path | req/s | p50 ms | p99 ms | requests | non-2xx | errors |
|---|---|---|---|---|---|---|
${fmt(viaDispatch)}
${fmt(viaNginx)}

Ratio dispatch / nginx: **${ratio}** (target ≥ 0.5) — ${Number(ratio) >= 0.5 ? '**met**' : '**missed**'}.

CPU during the measured window (% of one core; the machine has ${cpus().length * 100}%) — dispatch phase: ${Object.entries(viaDispatch.cpu)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; nginx phase: ${Object.entries(viaNginx.cpu)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.
`;
  const file = 'docs/benchmarks.md';
  appendFileSync(file, section);
  log(`appended to ${file}`);
  process.stdout.write(section);
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
}
