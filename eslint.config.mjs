// Lint for the monorepo. The point of it: @nx/enforce-module-boundaries with two-axis tags
// (scope × type) — see docs/architecture.md, "Boundaries".
import nx from '@nx/eslint-plugin';

/** For each capability, every other capability it is not allowed to depend on. */
function capabilityRules(allowed) {
  const all = Object.keys(allowed);
  // Nx checks notDependOnLibsWithTags along the whole dependency chain: a capability may reach
  // what the capabilities it may ask reach in turn (licence → identity → notification).
  const reach = (tag, seen = new Set()) => {
    for (const next of allowed[tag]) if (!seen.has(next)) reach(next, seen.add(next));
    return seen;
  };
  return all.map((tag) => ({
    sourceTag: tag,
    notDependOnLibsWithTags: all.filter((other) => other !== tag && !reach(tag).has(other)),
  }));
}

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
      // A library is used through its index only (its explicit exports); its files are its own.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@gmp/*/**'],
              message: '只能通过库的入口导入 (import a library through its index: @gmp/<name>, never a file inside it)',
            },
          ],
        },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // type axis: what kind of project may use what
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:service', 'type:feature', 'type:infra', 'type:client', 'type:contracts', 'type:util'],
            },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: [
                'type:service',
                'type:feature',
                'type:infra',
                'type:client',
                'type:contracts',
                'type:util',
                'type:testing',
              ],
            },
            // a service definition composes its capability modules
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:feature', 'type:infra', 'type:client', 'type:contracts', 'type:util'],
            },
            // a capability module may use another one only through its index (the capability axis below says which)
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:feature', 'type:infra', 'type:client', 'type:contracts', 'type:util'],
            },
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
            {
              sourceTag: 'scope:platform',
              onlyDependOnLibsWithTags: ['scope:dispatch', 'scope:tech', 'scope:data', 'scope:business', 'scope:shared'],
            },
            // capability axis (libs/tech/*): which capability may ask which — the rest never see each other.
            ...capabilityRules({
              'capability:calendar': [],
              'capability:files': [],
              'capability:notification': [],
              'capability:seal': [],
              'capability:identity': ['capability:notification'],
              'capability:archive': ['capability:files'],
              'capability:licence': ['capability:identity', 'capability:seal'],
            }),
          ],
        },
      ],
    },
  },
  {
    // One error vocabulary per module: problems are raised through `problemVocabulary` (libs/service-kit), never built by hand.
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts', 'libs/service-kit/src/lib/problem.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='ProblemException']",
          message:
            '用模块的错误词表抛出 (raise a problem through its module’s vocabulary: <Module>Problem.CODE(detail), declared with problemVocabulary)',
        },
        {
          selector: "NewExpression[callee.name='RpcException']",
          message:
            '用模块的错误词表抛出 (raise a problem through its module’s vocabulary; the transport carries its code and status to the caller)',
        },
        // Typed bodies: a class checked by ContractBodyPipe and documented in OpenAPI from the code.
        {
          selector:
            "Identifier[typeAnnotation.typeAnnotation.type=/^TS(Unknown|Any)Keyword$/] > Decorator > CallExpression[callee.name='Body']",
          message: '请求体须有类型 (type the body: @Body() input: SomeBody — a class with class-validator decorators)',
        },
      ],
    },
  },
];
