import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { getMetadataStorage } from 'class-validator';
import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type ConfigSection, loadConfiguration, ServiceConfig, type ServiceDefinition } from '@gmp/service-kit';

/**
 * Each service reads the shared `ServiceConfig` and the sections of its capabilities. Its
 * `.env.example` — what an operator copies — names exactly those variables (set or commented
 * out): none it would ignore, none it lacks. No variable belongs to two parts, so a value
 * never means two things.
 */
const SERVICES: [string, ServiceDefinition][] = [
  ['service-dispatch', serviceDispatchService],
  ['tech-capabilities', techCapabilitiesService],
  ['data-platform', dataPlatformService],
  ['business-platform', businessPlatformService],
];

function variablesOf(type: ConfigSection): string[] {
  const names = getMetadataStorage()
    .getTargetValidationMetadatas(type, '', true, false)
    .map((m) => m.propertyName);
  return [...new Set(names)].sort();
}

function exampleVariables(app: string): string[] {
  const text = readFileSync(`apps/${app}/.env.example`, 'utf8');
  return [...new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!))].sort();
}

describe('configuration per service', () => {
  it.each(SERVICES)('%s: .env.example names exactly the variables the service reads', (app, def) => {
    const read = [ServiceConfig, ...(def.config ?? [])].flatMap(variablesOf).sort();
    expect(exampleVariables(app)).toEqual(read);
  });

  it('no variable belongs to two configuration parts', () => {
    const parts = new Set<ConfigSection>([ServiceConfig, ...SERVICES.flatMap(([, def]) => def.config ?? [])]);
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const part of parts)
      for (const name of variablesOf(part)) {
        if (owner.has(name)) clashes.push(`${name}: ${owner.get(name)} and ${part.name}`);
        owner.set(name, part.name);
      }
    expect(clashes).toEqual([]);
  });

  const base = {
    PORT: '3000',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    TRANSPORT: 'inprocess',
    SUBJECT_KEY_SECRET: 'a-long-enough-secret',
  };
  const production = { ...base, NODE_ENV: 'production', CRYPTO_MASTER_KEY: 'ab'.repeat(32) };
  const problemsOf = (def: ServiceDefinition, env: Record<string, string>): string[] => {
    try {
      loadConfiguration(env, { sections: def.config ?? [] });
      return [];
    } catch (err) {
      return (err as { problems?: string[] }).problems ?? [String(err)];
    }
  };

  it("a service checks its own capabilities' variables and reports them with the shared ones", () => {
    const problems = problemsOf(techCapabilitiesService, { ...base, PORT: 'x', FILE_MAX_BYTES: '12', NOTIFY_SMTP_URL: 'mail' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(expect.arrayContaining(['PORT', 'FILE_MAX_BYTES', 'NOTIFY_SMTP_URL']));
    // Dispatch does not read the file store's variables, so a value meant for tech does not stop it.
    expect(problemsOf(serviceDispatchService, { ...base, FILE_MAX_BYTES: '12', NOTIFY_SMTP_URL: 'mail' })).toEqual([]);
    expect(problemsOf(serviceDispatchService, { ...base, DISPATCH_BREAKER_VOLUME: '0', REDIS_URL: 'localhost' }).length).toBe(2);
  });

  it('production refuses what each part refuses there, and development accepts it', () => {
    const cookie = { OIDC_COOKIE_SECRET: 'change-me-to-a-cookie-secret-of-32-chars' };
    expect(problemsOf(techCapabilitiesService, { ...production, ...cookie }).join()).toContain('OIDC_COOKIE_SECRET');
    expect(problemsOf(techCapabilitiesService, { ...base, ...cookie })).toEqual([]);
    expect(problemsOf(techCapabilitiesService, { ...production, SEED_DEMO: 'true' }).join()).toContain('SEED_DEMO');
    expect(problemsOf(serviceDispatchService, { ...production, SUBJECT_KEY_SECRET: 'dev-only-subject-key' }).join()).toContain(
      'SUBJECT_KEY_SECRET',
    );
    expect(problemsOf(serviceDispatchService, production)).toEqual([]);
  });

  it('the validated sections are what the services inject', () => {
    const loaded = loadConfiguration({ ...base, DISPATCH_BREAKER_VOLUME: '3' }, { sections: serviceDispatchService.config ?? [] });
    const [section] = serviceDispatchService.config ?? [];
    expect(loaded.section(section!)).toMatchObject({ DISPATCH_BREAKER_VOLUME: 3, DISPATCH_RATE_PER_SECOND: 100 });
    expect(() => loaded.section(techCapabilitiesService.config![0]!)).toThrow(/not listed/);
  });
});
