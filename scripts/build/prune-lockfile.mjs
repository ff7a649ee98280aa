// `nx run <app>:build`, after the bundle: gives dist/apps/<app> a lock file that pins exactly
// what the root package-lock.json pins, for exactly the packages the app imports.
//
// @nx/esbuild writes the app's pruned package.json (the npm packages its bundle imports, at the
// root lock's versions) and a pruned lock file; that lock file misses nested packages, so
// `npm ci` refuses it. npm itself prunes the root lock to the app's package.json instead, from
// the lock alone (no registry is asked when every package is in it): the result installs with
// `npm ci --omit=dev` in the image (deploy/docker/Dockerfile) and in the build-output test.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = process.argv[2];
if (!dir || !existsSync(join(dir, 'package.json'))) {
  console.error(
    `用法 (usage): node scripts/build/prune-lockfile.mjs dist/apps/<app> — ${dir ?? '(none)'} has no package.json; run its bundle target first`,
  );
  process.exit(2);
}
copyFileSync('package-lock.json', join(dir, 'package-lock.json'));
const npm = spawnSync(
  'npm',
  ['install', '--package-lock-only', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
  { cwd: resolve(dir), stdio: 'inherit', env: { ...process.env, npm_config_engine_strict: 'false' } },
);
if (npm.status !== 0) {
  console.error(`npm 未能裁剪锁文件 (npm could not prune the lock file) in ${dir}`);
  process.exit(npm.status ?? 1);
}
