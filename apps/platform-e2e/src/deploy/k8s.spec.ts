import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { loadConfiguration, SERVICE_TASKS, type ServiceDefinition } from '@gmp/service-kit';

/**
 * deploy/k8s, checked without a cluster: `kubectl kustomize` renders each overlay offline, every
 * rendered object is validated against the Kubernetes schemas (kubernetes-models), and the
 * objects are held against the platform — probes on the terminus endpoints, the configuration
 * each service validates itself, the deploy jobs' tasks, autoscaling within the partitions, and
 * network policies that allow exactly the flows docs/architecture.md lists.
 */
const SERVICES: Record<string, ServiceDefinition> = {
  'service-dispatch': serviceDispatchService,
  'tech-capabilities': techCapabilitiesService,
  'data-platform': dataPlatformService,
  'business-platform': businessPlatformService,
};
const OVERLAYS = ['dev', 'prod'] as const;

type K8s = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: any };

function render(overlay: string): K8s[] {
  const r = spawnSync('kubectl', ['kustomize', `deploy/k8s/overlays/${overlay}`], { encoding: 'utf8' });
  if (r.error) throw new Error(`kubectl 不可用 (not available): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${overlay} failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJSON() as K8s);
}

/** The kubernetes-models class of an object (`kubernetes-models/<group>/<version>/<Kind>`), or null. */
async function modelOf(o: K8s): Promise<(new (data: unknown) => { validate(): void }) | null> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [null, o.apiVersion];
  const module = (await import(`kubernetes-models/${group ? `${group}/` : ''}${version}/${o.kind}`).catch(() => ({}))) as Record<
    string,
    unknown
  >;
  return (module[o.kind] as never) ?? null;
}

const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, render(o)])) as Record<(typeof OVERLAYS)[number], K8s[]>;
const find = (objects: K8s[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe.each(OVERLAYS)('deploy/k8s overlay %s', (overlay) => {
  const objects = rendered[overlay];
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('gov-mp-config'))!;

  it('renders objects that each validate against the Kubernetes schema of their kind', async () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      const Model = await modelOf(o);
      expect({ kind: `${o.apiVersion} ${o.kind}`, model: Model !== null }).toEqual({ kind: `${o.apiVersion} ${o.kind}`, model: true });
      // Kustomize folds long base64 values over lines; the API server's decoder skips the line breaks, the schema's "byte" format does not.
      const data =
        o.kind === 'Secret'
          ? { ...o, data: Object.fromEntries(Object.entries(o['data'] ?? {}).map(([k, v]) => [k, String(v).replace(/\s/g, '')])) }
          : o;
      expect(() => new Model!(data).validate()).not.toThrow();
    }
  });

  it.each(Object.keys(SERVICES))(
    'runs %s with probes on its health endpoints, limits, a non-root user, autoscaling within the partitions and a deploy job',
    (name) => {
      const deployment = find(objects, 'Deployment', name)!;
      const pod = deployment['spec'].template.spec;
      const container = pod.containers[0];
      const port = container.ports.find((p: { name: string }) => p.name === 'http').containerPort;
      expect(String(port)).toBe(config['data'].PORT);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.startupProbe.httpGet.path).toBe('/health/live');
      expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits.memory).toBeDefined();
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
      expect(container.image).toMatch(new RegExp(`(^|/)gov-mp/${name}(:[\\w.-]+)?$`));
      // Settings, then secrets — by the names the overlay gave them (generated ones carry a hash).
      const secret = objects.find((o) => o.kind === 'Secret')?.metadata.name ?? 'gov-mp-secrets';
      expect(container.envFrom).toEqual([{ configMapRef: { name: config.metadata.name } }, { secretRef: { name: secret } }]);

      const labels = deployment['spec'].selector.matchLabels;
      expect(deployment['spec'].template.metadata.labels).toMatchObject(labels);
      const service = find(objects, 'Service', name)!;
      expect(labels).toMatchObject(service['spec'].selector);
      expect(service['spec'].ports[0].targetPort).toBe('http');
      const pdb = find(objects, 'PodDisruptionBudget', name)!;
      expect(pdb['spec'].selector.matchLabels).toEqual(labels);
      const hpa = find(objects, 'HorizontalPodAutoscaler', name)!;
      expect(hpa['spec'].scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      // One more instance than partitions would have nothing to consume.
      expect(hpa['spec'].maxReplicas).toBeLessThanOrEqual(Number(config['data'].KAFKA_PARTITIONS));
      expect(hpa['spec'].minReplicas).toBeLessThanOrEqual(hpa['spec'].maxReplicas);

      const job = find(objects, 'Job', `${name}-deploy`)!;
      const jobContainer = job['spec'].template.spec.containers[0];
      expect(jobContainer.image).toBe(container.image);
      expect(jobContainer.args).toEqual(['migrate', 'topics']);
      expect(jobContainer.args.every((t: string) => (SERVICE_TASKS as readonly string[]).includes(t))).toBe(true);
      expect(jobContainer.envFrom).toEqual(container.envFrom);
      // The services never migrate on start: their job does, once.
      expect(config['data'].DB_MIGRATE_ON_START).toBe('false');
    },
  );

  it.each(Object.keys(SERVICES))(
    'gives %s a configuration it accepts (with the Secret the overlay makes, or the operator does)',
    (name) => {
      const def = SERVICES[name]!;
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith('gov-mp-secrets'));
      const secrets = secret
        ? Object.fromEntries(
            Object.entries(secret['data'] as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
          )
        : {
            DATABASE_URL: 'postgres://gov:secret@postgresql:5432/gov',
            SUBJECT_KEY_SECRET: randomBytes(32).toString('base64'),
            CRYPTO_MASTER_KEY: randomBytes(32).toString('base64'),
            INTERNAL_API_TOKEN: randomBytes(24).toString('base64url'),
          };
      expect(overlay === 'prod' ? secret : 'generated').toBe(overlay === 'prod' ? undefined : 'generated');
      const env = { ...config['data'], ...secrets } as Record<string, string>;
      expect(() => loadConfiguration(env, { defaults: { PORT: def.defaultPort }, sections: def.config ?? [] })).not.toThrow();
      expect(env['NODE_ENV']).toBe(overlay === 'prod' ? 'production' : 'development');
    },
  );

  it('allows exactly the network flows docs/architecture.md lists, and denies everything else', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name === 'default-deny')!;
    // It covers exactly the platform's pods: Kafka, PostgreSQL and Redis keep their own policies.
    expect(deny['spec'].podSelector).toEqual({
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: Object.keys(SERVICES) }],
    });
    expect(deny['spec'].policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(deny['spec'].ingress ?? []).toEqual([]);
    expect(deny['spec'].egress ?? []).toEqual([]);

    const apps = Object.keys(SERVICES);
    const selected = (selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; values: string[] }[] }) =>
      apps.filter(
        (app) =>
          (selector.matchLabels?.['app.kubernetes.io/name'] ?? app) === app &&
          (selector.matchExpressions ?? []).every((e) => e.key !== 'app.kubernetes.io/name' || e.values.includes(app)),
      );
    const peer = (p: Record<string, any>): string => {
      if (p['ipBlock']) {
        expect(p['ipBlock'].except.sort()).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
        return 'outside';
      }
      if (p['namespaceSelector']?.matchLabels?.['gov-mp/ingress'] === 'true') return 'ingress';
      const labels = p['podSelector']?.matchLabels ?? {};
      return labels['app.kubernetes.io/name'] ?? labels['k8s-app'];
    };
    const ports = (rule: { ports: { protocol: string; port: number }[] }) => rule.ports.map((p) => `${p.port}/${p.protocol}`);
    const allowed = new Set<string>();
    for (const policy of policies.filter((p) => p !== deny)) {
      const pods = selected(policy['spec'].podSelector);
      expect(pods.length).toBeGreaterThan(0);
      for (const rule of policy['spec'].egress ?? [])
        for (const to of rule.to) for (const from of pods) for (const port of ports(rule)) allowed.add(`${from} → ${peer(to)} ${port}`);
      for (const rule of policy['spec'].ingress ?? [])
        for (const from of rule.from ?? [{ anyone: true }])
          for (const to of pods) for (const port of ports(rule)) allowed.add(`${from['anyone'] ? 'anyone' : peer(from)} → ${to} ${port}`);
    }

    const doc = readFileSync('docs/architecture.md', 'utf8');
    const table = doc.slice(doc.indexOf('## Network flows'), doc.indexOf('\n## ', doc.indexOf('## Network flows') + 3));
    const documented = new Set<string>();
    for (const line of table.split('\n').filter((l) => l.startsWith('| `'))) {
      const [from, to, portList] = line
        .split('|')
        .slice(1, 4)
        .map((c) => c.trim());
      const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      for (const f of names(from!)) for (const t of names(to!)) for (const p of portList!.split(/\s+/)) documented.add(`${f} → ${t} ${p}`);
    }
    expect(documented.size).toBeGreaterThan(10);
    expect([...allowed].sort()).toEqual([...documented].sort());
  });
});
