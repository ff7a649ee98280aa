import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { DEMO_CITIZENS } from '@gmp/feature-tech';
import { LOOKUP, post } from './dispatch-client.js';
import { runToExit } from './service-process.js';

describe('start-up', () => {
  it('stops a service whose configuration is missing, naming the variable', async () => {
    const { code, output } = await runToExit('tech-capabilities', { KAFKA_BROKERS: 'not a broker list' });
    expect(code).toBe(1);
    expect(output).toContain('DATABASE_URL');
    expect(output).toContain('KAFKA_BROKERS');
    expect(output).toContain('SUBJECT_KEY_SECRET');
    expect(output).toContain('.env.example');
  }, 60_000);

  it('runs standalone on the embedded store and keeps its data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gmp-standalone-'));
    const run = async () => {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env['PATH'],
        TS_NODE_PROJECT: 'tsconfig.json',
        STANDALONE_DATA_DIR: dataDir,
        STANDALONE_PORT_BASE: '0',
        LOG_LEVEL: 'warn',
      };
      const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'apps/standalone/src/main.ts'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const deadline = Date.now() + 90_000;
      while (!/service-dispatch\s+(http:\/\/\S+)/.test(out)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`standalone did not start:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const url = (name: string) => new RegExp(`${name}\\s+(http://\\S+)`).exec(out)![1]!;
      const stop = async () => {
        const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
        child.kill('SIGINT');
        return exited;
      };
      return { dispatch: url('service-dispatch'), data: url('data-platform'), stop, output: () => out };
    };
    try {
      const first = await run();
      expect(first.output()).toContain('standalone mode: inprocess transport, embedded PGlite');
      for (const service of [first.dispatch, first.data]) expect(listeningAddresses(Number(new URL(service).port))).toEqual(['127.0.0.1']);
      const answer = await post(
        `${first.dispatch}${LOOKUP}`,
        { holderType: 'person', holderId: DEMO_CITIZENS[1]!.id },
        { 'x-purpose': 'standalone-test' },
      );
      expect(answer.status).toBe(200);
      expect(answer.body.licences).toHaveLength(3);
      const bad = await post(`${first.dispatch}${LOOKUP}`, { holderType: 'person', holderId: '110105194912310021' });
      expect(bad.status).toBe(400);
      expect(await first.stop()).toBe(0);

      // Loopback only, and the internal token is this data directory's own, shown this once.
      const token = /export GMP_INTERNAL_TOKEN=(\S+)/.exec(first.output())![1]!;
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(token).toBe(readFileSync(join(dataDir, 'gmp-internal-api-token'), 'utf8').trim());
      expect(statSync(join(dataDir, 'gmp-internal-api-token')).mode & 0o777).toBe(0o600);
      expect(first.output()).not.toContain('dev-only-internal-api-token');

      const second = await run();
      expect(second.output()).not.toContain(token);
      expect(second.output()).toContain('gmp-internal-api-token');
      expect(
        (
          await post(
            `${second.data}/internal/v1/data-access/records/search`,
            { holderType: 'person', holderId: DEMO_CITIZENS[1]!.id },
            { 'x-internal-token': 'dev-only-internal-api-token' },
          )
        ).status,
      ).toBe(401);
      const audit = await post(
        `${second.data}/internal/v1/data-access/records/search`,
        { holderType: 'person', holderId: DEMO_CITIZENS[1]!.id },
        { 'x-internal-token': token },
      );
      expect(audit.status).toBe(200);
      // The portal's read — and, since the demo tag 新生儿家庭 was evaluated over everyone's data at the first start, that scan
      // (bulk processing, once: the restart published nothing new).
      const records = audit.body.records as { bulk?: boolean; processing?: string; app: string }[];
      expect(records.filter((r) => !r.bulk)).toEqual([
        expect.objectContaining({ purpose: 'standalone-test', app: 'demo-portal', itemCount: 3 }),
      ]);
      expect(records.filter((r) => r.bulk)).toEqual([
        expect.objectContaining({ processing: 'tag-publish', app: 'demo-seed', resource: 'JS-WJ-CS-0001' }),
      ]);
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});

/** The local addresses a TCP port listens on, from /proc/net/tcp and tcp6 (Linux). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A' || !local.endsWith(`:${hexPort}`)) continue;
      const hex = local.split(':')[0]!;
      found.push(
        hex.length === 8
          ? hex
              .match(/../g)!
              .reverse()
              .map((b) => parseInt(b, 16))
              .join('.')
          : hex === '00000000000000000000000000000000'
            ? '::'
            : hex,
      );
    }
  }
  return found;
}
