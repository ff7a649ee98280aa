import { mkdtempSync, rmSync } from 'node:fs';
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
      const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], TS_NODE_PROJECT: 'tsconfig.json', STANDALONE_DATA_DIR: dataDir, STANDALONE_PORT_BASE: '0', LOG_LEVEL: 'warn' };
      const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'apps/standalone/src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const answer = await post(`${first.dispatch}${LOOKUP}`, { holderType: 'person', holderId: DEMO_CITIZENS[1]!.id }, { 'x-purpose': 'standalone-test' });
      expect(answer.status).toBe(200);
      expect(answer.body.licences).toHaveLength(3);
      const bad = await post(`${first.dispatch}${LOOKUP}`, { holderType: 'person', holderId: '110105194912310021' });
      expect(bad.status).toBe(400);
      expect(await first.stop()).toBe(0);

      const second = await run();
      const audit = await post(`${second.data}/internal/v1/data-access/records/search`, { holderType: 'person', holderId: DEMO_CITIZENS[1]!.id }, { 'x-internal-token': 'dev-only-internal-api-token' });
      expect(audit.status).toBe(200);
      expect(audit.body.records).toEqual([expect.objectContaining({ purpose: 'standalone-test', app: 'demo-portal', itemCount: 3 })]);
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
