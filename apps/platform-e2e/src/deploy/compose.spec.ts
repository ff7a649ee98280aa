import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { ConfigError, loadConfiguration, SERVICE_TASKS, type ServiceDefinition } from '@gmp/service-kit';
import { tmpdir } from 'node:os';

/**
 * deploy/compose, checked without a Docker engine: docker-compose (Debian's package, installed by
 * `npm test` when missing) renders it with its .env.example, as `docker compose up` would, and
 * the rendered file is held against the platform — every service's configuration as the services
 * themselves validate it, the deploy jobs' tasks, the images' build arguments, Prometheus' targets.
 */
const COMPOSE = 'deploy/compose/docker-compose.yml';
const ENV_EXAMPLE = 'deploy/compose/.env.example';
const SERVICES: Record<string, ServiceDefinition> = {
  'service-dispatch': serviceDispatchService,
  'tech-capabilities': techCapabilitiesService,
  'data-platform': dataPlatformService,
  'business-platform': businessPlatformService,
};

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: (string | { target: number })[];
  restart?: string;
}

function render(envFile: string): { code: number | null; stdout: string; stderr: string } {
  // Only the env file speaks: a variable of the shell running the tests (jest sets NODE_ENV) would win over it.
  const r = spawnSync('docker-compose', ['--env-file', envFile, '-f', COMPOSE, 'config'], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
  });
  if (r.error) throw new Error(`docker-compose 不可用 (not available): ${r.error.message} — apt-get install -y docker-compose`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withEnv(changes: Record<string, string | null>): string {
  const lines = readFileSync(ENV_EXAMPLE, 'utf8')
    .split('\n')
    .filter((l) => !Object.entries(changes).some(([k, v]) => v === null && l.startsWith(`${k}=`)))
    .map((l) => {
      const key = l.split('=')[0]!;
      return key in changes && changes[key] !== null ? `${key}=${changes[key]}` : l;
    });
  const file = join(tmpdir(), `gmp-compose-${randomBytes(4).toString('hex')}.env`);
  writeFileSync(file, lines.join('\n'));
  return file;
}

const realSecrets = {
  SUBJECT_KEY_SECRET: randomBytes(32).toString('base64'),
  CRYPTO_MASTER_KEY: randomBytes(32).toString('base64'),
  INTERNAL_API_TOKEN: randomBytes(24).toString('base64url'),
  POSTGRES_PASSWORD: randomBytes(16).toString('hex'),
};

describe('deploy/compose', () => {
  const rendered = render(withEnv(realSecrets));
  const config = (rendered.code === 0 ? parse(rendered.stdout) : { services: {} }) as { services: Record<string, ComposeService> };
  const services = config.services;

  it('renders with docker-compose config from its .env.example', () => {
    expect(rendered.stderr).not.toMatch(/invalid|error/i);
    expect(rendered.code).toBe(0);
    expect(render(ENV_EXAMPLE).code).toBe(0);
    expect(Object.keys(services).sort()).toEqual(
      expect.arrayContaining(['kafka', 'postgres', 'redis', 'otel-collector', 'jaeger', 'prometheus', 'grafana', ...Object.keys(SERVICES)]),
    );
  });

  it.each(['SUBJECT_KEY_SECRET', 'CRYPTO_MASTER_KEY', 'INTERNAL_API_TOKEN', 'POSTGRES_PASSWORD', 'GRAFANA_ADMIN_PASSWORD'])(
    'refuses to render without %s, naming it',
    (key) => {
      const r = render(withEnv({ ...realSecrets, [key]: null }));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(key);
    },
  );

  it.each(Object.keys(SERVICES))('gives %s a configuration the service itself accepts in production', (name) => {
    const def = SERVICES[name]!;
    const env = services[name]!.environment!;
    expect(env['NODE_ENV']).toBe('production');
    expect(() => loadConfiguration(env, { defaults: { PORT: def.defaultPort }, sections: def.config ?? [] })).not.toThrow();
    // The services never migrate on start: their deploy job did, once.
    expect(env['DB_MIGRATE_ON_START']).toBe('false');
  });

  it('is refused by every service in production while a secret still holds its .env.example value', () => {
    const example = parse(render(ENV_EXAMPLE).stdout) as { services: Record<string, ComposeService> };
    for (const [name, def] of Object.entries(SERVICES)) {
      let error: unknown = null;
      try {
        loadConfiguration(example.services[name]!.environment!, { defaults: { PORT: def.defaultPort }, sections: def.config ?? [] });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      for (const key of ['SUBJECT_KEY_SECRET', 'CRYPTO_MASTER_KEY', 'INTERNAL_API_TOKEN'])
        expect((error as ConfigError).message).toContain(key);
    }
  });

  it('starts each service after its own deploy job (migrate, then topics) has finished, from the image of that service', () => {
    const projects = (app: string) =>
      JSON.parse(readFileSync(join('apps', app, 'project.json'), 'utf8')) as { targets: Record<string, unknown> };
    for (const name of Object.keys(SERVICES)) {
      const service = services[name]!;
      const job = services[`${name}-jobs`]!;
      expect(service.depends_on?.[`${name}-jobs`]).toEqual({ condition: 'service_completed_successfully' });
      expect(job.restart).toBe('no');
      expect(job.command).toEqual(['migrate', 'topics']);
      expect(job.command!.every((t) => (SERVICE_TASKS as readonly string[]).includes(t))).toBe(true);
      expect(job.image).toBe(service.image);
      expect(job.build!.args).toEqual({ SERVICE: name });
      expect(job.build!.dockerfile).toBe('deploy/docker/Dockerfile');
      expect(existsSync(join(job.build!.context, job.build!.dockerfile))).toBe(true);
      expect(projects(name).targets['build']).toBeDefined();
      expect(job.depends_on).toMatchObject({ kafka: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
      // The job gets exactly the service's configuration.
      expect(job.environment).toEqual(service.environment);
      // Published on the port the service listens on inside its container.
      expect(service.ports!.map((p) => (typeof p === 'string' ? p.split(':').at(-1)!.split('/')[0] : String(p.target)))).toEqual([
        service.environment!['PORT'],
      ]);
    }
    expect(services['kafka']!.environment!['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
  });

  it('has Prometheus scrape /metrics of every service, and Grafana read Prometheus', () => {
    const prometheus = parse(readFileSync('deploy/compose/prometheus.yml', 'utf8')) as {
      scrape_configs: { metrics_path: string; static_configs: { targets: string[]; labels: { service: string } }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.map((s) => [s.labels.service, s.targets[0], c.metrics_path]));
    expect(targets.sort()).toEqual(
      Object.keys(SERVICES)
        .sort()
        .map((name) => [name, `${name}:${services[name]!.environment!['PORT']}`, '/metrics']),
    );
    const datasource = parse(readFileSync('deploy/grafana/provisioning/datasources/prometheus.yaml', 'utf8')) as {
      datasources: { url: string }[];
    };
    expect(datasource.datasources[0]!.url).toBe('http://prometheus:9090');
  });

  it('has a Grafana dashboard whose every query reads series the services publish', () => {
    const dashboard = JSON.parse(readFileSync('deploy/grafana/dashboards/gov-mp.json', 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    // The series the code names (`'gmp_…'` literals outside tests: prom-client constructors, PlatformMetrics.gauge calls) and prom-client's process defaults.
    const sources = spawnSync('grep', ['-rhoE', "'gmp_[a-z_]+'", 'libs', '--include=*.ts', '--exclude=*spec.ts'], {
      encoding: 'utf8',
    }).stdout;
    const published = new Set([...sources.matchAll(/'(gmp_[a-z_]+)'/g)].map((m) => m[1]!));
    expect(published).toContain('gmp_http_request_duration_seconds');
    const isPublished = (series: string) =>
      /^gmp_(process|nodejs)_/.test(series) || published.has(series) || published.has(series.replace(/_(bucket|count|sum)$/, ''));
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const panel of dashboard.panels)
      for (const target of panel.targets) {
        const series = [...target.expr.matchAll(/\b(gmp_[a-z_]+)/g)].map((m) => m[1]!);
        expect(series.length).toBeGreaterThan(0);
        for (const name of series)
          expect({ panel: panel.title, name, published: isPublished(name) }).toEqual({ panel: panel.title, name, published: true });
      }
    const provider = parse(readFileSync('deploy/grafana/provisioning/dashboards/gov-mp.yaml', 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    const grafanaVolumes = (parse(readFileSync(COMPOSE, 'utf8')) as { services: Record<string, { volumes: string[] }> }).services[
      'grafana'
    ]!.volumes;
    expect(grafanaVolumes).toContain(`../grafana/dashboards:${provider.providers[0]!.options.path}:ro`);
  });
});
