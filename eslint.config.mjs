// Lint for the monorepo. The point of it: @nx/enforce-module-boundaries with two-axis tags
// (scope × type) — see docs/architecture.md, "Boundaries".
import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '.cache', '.data', '.nx', 'tmp', 'bench/results'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // Non-null assertions are deliberate under strict mode (values checked just before).
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // type axis: what kind of project may use what
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:infra', 'type:client', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:feature', 'type:infra', 'type:client', 'type:contracts', 'type:util', 'type:testing'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:infra', 'type:client', 'type:contracts', 'type:util'] },
            // client libraries (what integrators import): the wire, pure utilities, and the dispatch client they build on
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:client'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // scope axis: a service's code never reaches into another service's code
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:dispatch', onlyDependOnLibsWithTags: ['scope:dispatch', 'scope:shared'] },
            { sourceTag: 'scope:tech', onlyDependOnLibsWithTags: ['scope:tech', 'scope:shared'] },
            { sourceTag: 'scope:data', onlyDependOnLibsWithTags: ['scope:data', 'scope:shared'] },
            { sourceTag: 'scope:business', onlyDependOnLibsWithTags: ['scope:business', 'scope:shared'] },
            { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:dispatch', 'scope:tech', 'scope:data', 'scope:business', 'scope:shared'] },
          ],
        },
      ],
    },
  },
];
