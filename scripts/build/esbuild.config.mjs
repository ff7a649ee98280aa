// esbuild options for every app's `build` target (@nx/esbuild, `esbuildConfig`).
//
// esbuild bundles the workspace's own sources (apps and libs, resolved through
// tsconfig.base.json's paths) into one ES module per app and leaves npm packages external
// (installed from the pruned package.json the executor writes). esbuild cannot emit
// TypeScript's decorator metadata, which NestJS's injection and class-validator's DTOs read,
// so each workspace .ts file is first compiled by SWC — the same compiler `npm start` and the
// tests run through @swc-node/register — with legacy decorators and their metadata; esbuild
// then bundles the JavaScript and chains SWC's source maps into its own.
import { transformFile } from '@swc/core';

/** @type {import('esbuild').Plugin} */
const swcDecoratorMetadata = {
  name: 'swc-decorator-metadata',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      if (path.includes('/node_modules/')) return undefined;
      const { code } = await transformFile(path, {
        swcrc: false,
        configFile: false,
        sourceMaps: 'inline',
        module: { type: 'es6' },
        jsc: {
          target: 'es2023',
          keepClassNames: true,
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        },
      });
      return { contents: code, loader: 'js' };
    });
  },
};

export default {
  plugins: [swcDecoratorMetadata],
  // Entity, DTO and provider classes keep their names (TypeORM and NestJS read them) even
  // where two modules' classes share one and esbuild renames one of them.
  keepNames: true,
};
