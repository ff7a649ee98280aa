import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

/**
 * A service started as its own OS process, exactly as `nx serve` / deploy/ run it: from its
 * sources through the runtime transpiler, or — with `main` — from a build output (`node <main>`
 * in main's folder, as the image runs it; its NODE_OPTIONS come with `env`).
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  output = '';

  constructor(
    private readonly app: string,
    private readonly env: Record<string, string>,
    private readonly main?: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The exit code once the process has ended by itself (null while it runs, or if a signal ended it). */
  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  async start(readyTimeoutMs = 60_000): Promise<void> {
    this.launch();
    await this.untilReady(readyTimeoutMs);
  }

  /** Starts the process without waiting for it. */
  launch(): void {
    const args = this.main ? [this.main] : ['--import', '@swc-node/register/esm-register', `apps/${this.app}/src/main.ts`];
    this.child = spawn(process.execPath, args, {
      ...(this.main ? { cwd: dirname(this.main) } : {}),
      env: { ...process.env, ...this.env, TS_NODE_PROJECT: 'tsconfig.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /** Waits until its readiness answers 200; fails at once if the process exits. */
  async untilReady(readyTimeoutMs = 60_000): Promise<void> {
    const child = this.child!;
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.app} exited with ${child.exitCode}:\n${this.output.slice(-3000)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.env['PORT']}/health/ready`);
        if (res.status === 200) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.app} not ready within ${readyTimeoutMs} ms:\n${this.output.slice(-3000)}`);
  }

  /** Waits for the process to exit and returns its exit code. */
  exited(): Promise<number | null> {
    const child = this.child!;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exit = this.exited();
    this.child.kill(signal);
    await exit;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Runs an app to completion (for start-up failures) and returns its exit code and output. */
export async function runToExit(
  app: string,
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
  args: readonly string[] = [],
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', `apps/${app}/src/main.ts`, ...args], {
    env: { PATH: process.env['PATH'], TS_NODE_PROJECT: 'tsconfig.json', ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}
