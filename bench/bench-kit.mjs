// Shared by the benchmark scripts: start a service as its own process, the way operators run it.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Starts apps/<app>/src/main.ts on a free port and waits until /health/ready answers 200. */
export async function startApp(app, env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', `apps/${app}/src/main.ts`], {
    env: { ...process.env, ...env, PORT: String(port), TS_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited: ${err}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${app} not ready: ${err}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { app, child, url: `http://127.0.0.1:${port}` };
}
