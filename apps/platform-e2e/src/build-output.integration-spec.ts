import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DEMO_CITIZENS } from '@gmp/feature-tech';
import { eventually, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { Kafka, logLevel } from 'kafkajs';
import { getJson, INTERNAL, LOOKUP, post } from './dispatch-client.js';
import { dockerStages } from './dockerfile-stage.js';
import { freePort, ServiceProcess } from './service-process.js';

/**
 * What the image runs (deploy/docker/Dockerfile), replayed without a Docker engine (CI has
 * none): each service's build stage (`nx run <app>:build` → dist/apps/<app>: one bundled ES
 * module with its source map, the YAML it reads, a pruned package.json and lock file), then
 * the runtime stage as the Dockerfile says it — its COPY --from=build files into a folder
 * outside the repository (so nothing is found in the workspace's node_modules or sources), its
 * `npm ci`, its ENV, its ENTRYPOINT — first as the deploy jobs (`migrate topics`), then as the
 * services, against the real Kafka and PostgreSQL.
 */
const APPS = ['tech-capabilities', 'data-platform', 'business-platform', 'service-dispatch'] as const;
type App = (typeof APPS)[number];
const ROOT_PACKAGE = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> };

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NX_DAEMON: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output: output.slice(-4000) }));
  });
}

/** The runtime stage of the image of `app`. */
const runtimeOf = (app: App) => dockerStages({ SERVICE: app }).find((s) => s.name === 'runtime')!;

describe('the build output, installed alone and run as the image runs it', () => {
  const tag = randomBytes(3).toString('hex');
  const outside = mkdtempSync(join(tmpdir(), 'gmp-build-'));
  const services = {} as Record<App, ServiceProcess>;
  const urls = {} as Record<App, string>;
  const jobs = {} as Record<App, { code: number | null; output: string }>;
  const env = (app: App) => ({
    ...integrationEnv(),
    ...runtimeOf(app).env,
    // The image says production, which refuses demo data; the tests read the demo licences.
    NODE_ENV: 'development',
    DB_SCHEMA: `${app.split('-')[0]}_build_${tag}`,
  });
  // The image's main, as its ENTRYPOINT names it, relative to the folder standing for WORKDIR.
  const entry = (app: App) => {
    const [command, main] = runtimeOf(app).entrypoint!;
    expect(command).toBe('node');
    return join(outside, app, main!);
  };

  beforeAll(async () => {
    const build = spawnSync(join('node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '-p', APPS.join(',')], {
      env: { ...process.env, NX_DAEMON: 'false' },
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`nx build failed:\n${build.stdout.slice(-3000)}${build.stderr.slice(-3000)}`);
    // The runtime stage: COPY --from=build (the build stage's /workspace is this repository), then its npm commands.
    await Promise.all(
      APPS.map(async (app) => {
        const stage = runtimeOf(app);
        const workdir = join(outside, app);
        for (const copy of stage.copies) {
          expect(copy.from).toBe('build');
          for (const source of copy.sources) {
            const local = source.replace(/^\/workspace\//, '');
            cpSync(local, join(workdir, copy.destination, source.endsWith('/') ? '' : basename(local)), { recursive: true });
          }
        }
        // `npm cache clean` would empty this machine's cache: only the install is replayed.
        for (const command of stage.runs.flatMap((r) => r.split('&&').map((c) => c.trim())).filter((c) => c.startsWith('npm ci'))) {
          const r = await run('sh', ['-c', `${command} --prefer-offline --loglevel=error`], workdir);
          if (r.code !== 0) throw new Error(`${app}: ${command} failed:\n${r.output}`);
        }
      }),
    );
    for (const app of APPS) {
      jobs[app] = await run(process.execPath, [entry(app), 'migrate', 'topics'], join(outside, app), { ...env(app), PORT: '0' });
    }
    for (const app of APPS) {
      const port = await freePort();
      urls[app] = `http://127.0.0.1:${port}`;
      // NODE_OPTIONS from the image's ENV is in env(app); the process is `node <main>` as its ENTRYPOINT.
      services[app] = new ServiceProcess(app, { ...env(app), PORT: String(port), DB_MIGRATE_ON_START: 'false' }, entry(app));
      await services[app].start(120_000);
    }
  }, 480_000);

  afterAll(async () => {
    for (const app of [...APPS].reverse()) await services[app]?.kill('SIGTERM');
    rmSync(outside, { recursive: true, force: true });
  });

  it('emits per app one ES module with its source map and a package.json of npm packages only, none of them a tool', () => {
    for (const app of APPS) {
      const dir = join('dist', 'apps', app);
      expect(existsSync(join(dir, 'main.js'))).toBe(true);
      expect(
        JSON.parse(readFileSync(join(dir, 'main.js.map'), 'utf8')).sources.some((s: string) => s.includes(`apps/${app}/src/main.ts`)),
      ).toBe(true);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string> };
      expect(pkg.type).toBe('module');
      const deps = Object.keys(pkg.dependencies);
      expect(deps).toEqual(expect.arrayContaining(['@nestjs/core', 'kafkajs', 'typeorm', 'pg']));
      expect(deps.filter((d) => d.startsWith('@gmp/') || d in ROOT_PACKAGE.devDependencies || d.startsWith('@swc'))).toEqual([]);
      // The runtime transpiler is not installed: only the bundle can run.
      expect(existsSync(join(outside, app, 'node_modules', '@swc-node'))).toBe(false);
    }
    // Each app carries only what it imports: the data platform has no PDF or seal libraries, dispatch no CEL.
    const deps = (app: App) => Object.keys(JSON.parse(readFileSync(join('dist', 'apps', app, 'package.json'), 'utf8')).dependencies);
    expect(deps('tech-capabilities')).toEqual(expect.arrayContaining(['pdf-lib', '@embedpdf/fonts-sc', 'oidc-provider']));
    expect(deps('data-platform')).not.toContain('pdf-lib');
    expect(deps('service-dispatch')).not.toContain('@bufbuild/cel');
  });

  it('runs the deploy jobs from the image: migrate creates each schema and applies every migration, topics leaves every partition led; again, nothing is left to do', async () => {
    for (const app of APPS) {
      expect({ app, code: jobs[app].code }).toEqual({ app, code: 0 });
      expect(jobs[app].output).toMatch(new RegExp(`${app}: migrate: schema \\w+, [1-9]\\d* applied`));
      expect(jobs[app].output).toContain(`${app}: topics:`);
    }
    const again = await run(process.execPath, [entry('data-platform'), 'migrate'], join(outside, 'data-platform'), {
      ...env('data-platform'),
      PORT: '0',
    });
    expect(again.code).toBe(0);
    expect(again.output).toContain('0 applied');
    const unknown = await run(
      process.execPath,
      [entry('data-platform'), 'migrate', 'drop-everything'],
      join(outside, 'data-platform'),
      env('data-platform'),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('unknown task');
    // A service told not to migrate never serves a schema with migrations pending (its deploy job has
    // not run): it waits for them, and with a bound on the wait it gives up and exits 1, saying why.
    const early = await run(process.execPath, [entry('data-platform')], join(outside, 'data-platform'), {
      ...env('data-platform'),
      DB_SCHEMA: `data_unmigrated_${tag}`,
      DB_MIGRATE_ON_START: 'false',
      STARTUP_WAIT_SECONDS: '2',
      LOG_LEVEL: 'warn',
      PORT: '0',
    });
    expect(early.code).toBe(1);
    expect(early.output).toContain('pending migrations');
    expect(early.output).toContain('gave up waiting for database');
    // A job with a broken configuration stops with the reason, before touching anything.
    const bad = await run(process.execPath, [entry('data-platform'), 'migrate'], join(outside, 'data-platform'), {
      ...env('data-platform'),
      DATABASE_URL: 'not-a-url',
    });
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('DATABASE_URL');
  });

  it('builds the image as the user the Dockerfile names, never root, with a health check on the live endpoint', () => {
    for (const app of [...APPS, 'standalone'] as const) {
      const stages = dockerStages({ SERVICE: app });
      const runtime = stages.find((s) => s.name === 'runtime')!;
      expect(runtime.from).toMatch(/^node:24[.\w-]*-slim$/);
      expect(stages.find((s) => s.name === 'build')!.runs).toContain(`NX_DAEMON=false npx nx run ${app}:build`);
      expect(runtime.user).not.toMatch(/^(root|0)?$/);
      expect(runtime.healthcheck!.join(' ')).toContain('/health/live');
      expect(runtime.exposes).toContain(runtime.env['PORT']);
      // What the runtime stage copies is what the build writes.
      for (const copy of runtime.copies)
        for (const source of copy.sources) expect(source).toMatch(new RegExp(`^/workspace/dist/apps/${app}/`));
    }
  });

  it('answers across services over Kafka: a licence lookup through dispatch reaches tech-capabilities, and a malformed one is a 400', async () => {
    const ok = await eventually(async () => {
      const a = await post(`${urls['service-dispatch']}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id });
      return a.status === 200 ? a : null;
    }, 60_000);
    expect(ok.body.licences).toHaveLength(3);
    // DTO validation needs the decorator metadata the build keeps.
    const bad = await post(`${urls['service-dispatch']}${LOOKUP}`, { holderType: 'alien', holderId: 7 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('holderType');
  }, 90_000);

  it('reads the YAML it ships: the business platform serves the four demo bundles', async () => {
    const list = await eventually(async () => {
      const r = await getJson(`${urls['business-platform']}/internal/v1/business/bundles`, INTERNAL);
      return (r.body as { bundles?: unknown[] } | null)?.bundles?.length === 4 ? r.body : null;
    }, 60_000);
    expect((list as { bundles: { code: string }[] }).bundles.map((b) => b.code)).toContain('JS-YJS-XSECS');
  }, 90_000);

  it('serves Prometheus metrics on every service: the process, HTTP routes, consumed records, dead letters, the outbox, cases', async () => {
    // A record that is no request at all, on tech-capabilities' request topic: refused and dead-lettered.
    const producer = new Kafka({
      clientId: `build-output-${tag}`,
      brokers: process.env['KAFKA_BROKERS']!.split(','),
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    await producer.send({ topic: 'rpc.tech-capabilities.requests.v1', messages: [{ value: 'not json at all' }] });
    await producer.disconnect();
    const scrape = async (app: App) => {
      const res = await fetch(`${urls[app]}/metrics`, { headers: { 'x-internal-token': TEST_INTERNAL_API_TOKEN } });
      expect(res.status).toBe(200);
      return res.text();
    };
    for (const app of APPS) {
      const text = await scrape(app);
      expect(text).toMatch(new RegExp(`^gmp_process_resident_memory_bytes\\{service="${app}"\\} \\d`, 'm'));
      expect(text).toMatch(new RegExp(`^gmp_outbox_backlog_events\\{service="${app}"\\} \\d+`, 'm'));
      expect((await fetch(`${urls[app]}/metrics`)).status).toBe(401);
    }
    // A lookup through dispatch's route, answered by tech-capabilities' handler.
    const lookup = await eventually(async () => {
      const a = await post(`${urls['service-dispatch']}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[1]!.id });
      return a.status === 200 ? a : null;
    }, 60_000);
    expect(lookup.status).toBe(200);
    expect(await scrape('service-dispatch')).toMatch(
      /^gmp_http_request_duration_seconds_count\{service="service-dispatch",method="POST",route="\/v1\/capabilities\/:code\/invoke",status="200"\} [1-9]/m,
    );
    const tech = await eventually(async () => {
      const text = await scrape('tech-capabilities');
      return /^gmp_kafka_dead_letters_total\{topic="rpc.tech-capabilities.requests.v1",service="tech-capabilities"\} [1-9]/m.test(text)
        ? text
        : null;
    }, 30_000);
    expect(tech).toMatch(
      /^gmp_kafka_handler_duration_seconds_count\{service="tech-capabilities",topic="rpc.tech-capabilities.requests.v1",type="tech.licence.query-by-holder.v1",outcome="ok"\} [1-9]/m,
    );
    expect(tech).toMatch(
      /^gmp_kafka_handler_duration_seconds_count\{service="tech-capabilities",topic="rpc.tech-capabilities.requests.v1",type="\(unknown\)",outcome="invalid"\} [1-9]/m,
    );
    expect(await scrape('business-platform')).toMatch(/^# TYPE gmp_business_cases gauge/m);
  }, 60_000);
});
