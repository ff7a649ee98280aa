// `npm start`: the platform in standalone mode (see apps/standalone). Runs on the Node 24
// that npm puts first on PATH (the `node` devDependency).
import { spawn } from 'node:child_process';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`需要 Node.js 24 (Node.js 24 required), found ${process.version}: run through npm (npm start) after npm install.`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'apps/standalone/src/main.ts'], {
  stdio: 'inherit',
  env: { ...process.env, TS_NODE_PROJECT: process.env.TS_NODE_PROJECT ?? 'tsconfig.json' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
