// One jest run for the whole monorepo: ESM TypeScript via SWC (decorator metadata on),
// path aliases from tsconfig.base.json, real Kafka and PostgreSQL from libs/testing.
import { readFileSync } from 'node:fs';

const tsconfig = JSON.parse(readFileSync(new URL('./tsconfig.base.json', import.meta.url), 'utf8'));
const aliases = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { ...aliases, '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/{apps,libs}/**/*.integration-spec.ts'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/libs/testing/src/jest.global-setup.mjs',
  globalTeardown: '<rootDir>/libs/testing/src/jest.global-teardown.mjs',
  testTimeout: 60_000,
  // Integration files share topics and consumer groups (as services do): run files one at a time.
  maxWorkers: 1,
};
