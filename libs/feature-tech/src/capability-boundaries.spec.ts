import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The capability libraries (libs/tech/*) see each other only through their indexes, only along
 * the edges the lint configuration allows, and never through each other's tables. Each check is
 * shown failing on a planted violation first, so a rule that stopped running fails here too.
 */
const root = process.cwd();
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NX_DAEMON: 'false' };

function lint(filePath: string, code: string): string[] {
  const r = spawnSync(bin('eslint'), ['--format', 'json', '--stdin', '--stdin-filename', filePath], {
    input: code,
    encoding: 'utf8',
    env,
    cwd: root,
  });
  if (!r.stdout) throw new Error(`eslint did not run: ${r.stderr}`);
  const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}

const capabilities = readdirSync(join(root, 'libs/tech'));

/** Table name → the capability that owns it, read from the entities. */
function tableOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const capability of capabilities) {
    for (const file of filesUnder(join(root, 'libs/tech', capability, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/@Entity\(\{\s*name:\s*'(\w+)'/g)) owners.set(m[1], capability);
    }
  }
  return owners;
}

/** Entity class name (and each library's exported entity and migration lists) → the capability that owns it. */
function entityOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const capability of capabilities) {
    for (const file of filesUnder(join(root, 'libs/tech', capability, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/@Entity\([^)]*\)\s*(?:@\w+\([^)]*\)\s*)*export class (\w+)/g)) owners.set(m[1]!, capability);
      for (const m of text.matchAll(/export const (\w+_(?:ENTITIES|MIGRATIONS))\b/g)) owners.set(m[1]!, capability);
    }
  }
  return owners;
}

/**
 * Another capability's entity class or entity list used in `text` (a file of `capability`): imported
 * from its library, or handed to TypeORM (getRepository, getMetadata, insert, joins …) by name.
 */
export function foreignEntities(text: string, capability: string, owners: Map<string, string>): string[] {
  const found = new Set<string>();
  const note = (name: string) => {
    const owner = owners.get(name);
    if (owner && owner !== capability) found.add(`${name} (${owner})`);
  };
  for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@gmp\/tech-[a-z]+'/g))
    for (const name of m[1]!.split(','))
      note(
        name
          .replace(/^\s*type\s+/, '')
          .split(' as ')[0]!
          .trim(),
      );
  for (const m of text.matchAll(
    /\b(?:getRepository|getMetadata|getTreeRepository|insert|update|upsert|delete|find\w*|exists\w*|count\w*|\w*[jJ]oin\w*|from|into|save|remove)\(\s*['"]?([A-Z][A-Za-z_]*)/g,
  ))
    note(m[1]!);
  for (const m of text.matchAll(/\b([A-Z][A-Z_]*_(?:ENTITIES|MIGRATIONS))\b/g)) note(m[1]!);
  return [...found];
}

/** SQL in `text` (a file of `capability`) that names a table another capability owns. */
export function foreignTables(text: string, capability: string, owners: Map<string, string>): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES|EXISTS)\s+(?:[\w${}.]*\.)?"?(\w+)"?/gi)) {
    const owner = owners.get(m[1]);
    if (owner && owner !== capability) found.push(`${m[1]} (${owner})`);
  }
  return found;
}

describe('capability boundaries (libs/tech/*)', () => {
  beforeAll(() => {
    // The module-boundary rule reads Nx's project graph and skips itself when none is cached.
    const r = spawnSync(bin('nx'), ['show', 'projects'], { encoding: 'utf8', env, cwd: root });
    expect(r.status).toBe(0);
  }, 120_000);

  it('has the seven capability libraries', () => {
    expect(capabilities.sort()).toEqual(['archive', 'calendar', 'files', 'identity', 'licence', 'notification', 'seal']);
  });

  it('ESLint refuses a relative import into another capability’s files', () => {
    const messages = lint(
      'libs/tech/licence/src/lib/probe.ts',
      "import { PersonAccount } from '../../../identity/src/lib/person-account.entity.js';\nexport const probe = PersonAccount;\n",
    );
    expect(messages.join('\n')).toMatch(/@nx\/enforce-module-boundaries: Projects cannot be imported by a relative or absolute path/);
  }, 60_000);

  it('ESLint refuses a deep import past a library’s index', () => {
    const messages = lint(
      'libs/tech/licence/src/lib/probe.ts',
      "import { PersonAccount } from '@gmp/tech-identity/src/lib/person-account.entity.js';\nexport const probe = PersonAccount;\n",
    );
    expect(messages.join('\n')).toMatch(/no-restricted-imports: .*import a library through its index/);
  }, 60_000);

  it.each([
    ['files', '@gmp/tech-identity', 'AccountsService'],
    ['seal', '@gmp/tech-licence', 'LicenceModule'],
    ['notification', '@gmp/tech-identity', 'AccountsService'],
    ['identity', '@gmp/tech-licence', 'LicenceLifecycleService'],
    ['archive', '@gmp/tech-seal', 'SealService'],
  ])(
    'ESLint refuses %s depending on %s (an edge the architecture does not draw)',
    (capability, library, name) => {
      const messages = lint(
        `libs/tech/${capability}/src/lib/probe.ts`,
        `import { ${name} } from '${library}';\nexport const probe = ${name};\n`,
      );
      // Refused by the capability axis — or, where the architecture draws the opposite edge (licence → seal), as the cycle it would close.
      const target = library.replace('@gmp/', '');
      expect(messages.join('\n')).toMatch(
        new RegExp(
          `A project tagged with "capability:${capability}" can not depend on libs tagged with|Circular dependency between "tech-${capability}" and "${target}"`,
        ),
      );
    },
    60_000,
  );

  it('ESLint accepts an edge the architecture draws (licence asks identity through its index)', () => {
    expect(
      lint(
        'libs/tech/licence/src/lib/probe.ts',
        "import { AccountsService } from '@gmp/tech-identity';\nexport const probe = AccountsService;\n",
      ),
    ).toEqual([]);
  }, 60_000);

  it.each([
    [
      'libs/tech/seal/src/lib/probe.ts',
      "import { ProblemException } from '@gmp/service-kit';\nexport const probe = () => new ProblemException(404, 'SEAL_GONE', 'gone');\n",
    ],
    [
      'libs/feature-dispatch/src/lib/grants/probe.ts',
      "import { RpcException } from '@nestjs/microservices';\nexport const probe = () => new RpcException({ code: 'FORBIDDEN', status: 403, message: 'no' });\n",
    ],
  ])(
    'ESLint refuses a problem built by hand instead of through its module’s vocabulary (%s)',
    (filePath, code) => {
      expect(lint(filePath, code).join('\n')).toMatch(/no-restricted-syntax: .*raise a problem through its module’s vocabulary/);
    },
    60_000,
  );

  it.each(['unknown', 'any'])(
    'ESLint refuses a controller body typed %s',
    (type) => {
      const code = `import { Body, Controller, Post } from '@nestjs/common';\n@Controller('x')\nexport class ProbeController {\n  @Post()\n  take(@Body() body: ${type}) {\n    return body;\n  }\n}\n`;
      expect(lint('libs/tech/seal/src/lib/probe.controller.ts', code).join('\n')).toMatch(/no-restricted-syntax: .*type the body/);
    },
    60_000,
  );

  it('finds SQL that names another capability’s table (planted)', () => {
    const owners = tableOwners();
    expect(owners.size).toBeGreaterThanOrEqual(30);
    expect(
      foreignTables('await m.query(`SELECT 1 FROM ${s}."person_account" p JOIN agent_authorisation a ON a.x = p.id`)', 'licence', owners),
    ).toEqual(['person_account (identity)', 'agent_authorisation (identity)']);
    expect(foreignTables('INSERT INTO tech.seal_grant (seal_id) VALUES ($1)', 'licence', owners)).toEqual(['seal_grant (seal)']);
    expect(foreignTables('SELECT 1 FROM licence l', 'licence', owners)).toEqual([]);
  });

  it('finds another capability’s entity used through TypeORM (planted)', () => {
    const owners = entityOwners();
    expect(owners.get('PersonAccount')).toBe('identity');
    expect(owners.get('SealGrant')).toBe('seal');
    expect(owners.get('IDENTITY_ENTITIES')).toBe('identity');
    expect(foreignEntities('this.dataSource.getRepository(PersonAccount).existsBy({ id })', 'licence', owners)).toEqual([
      'PersonAccount (identity)',
    ]);
    expect(foreignEntities("m.getRepository(IDENTITY_ENTITIES[0]); m.getRepository('SealGrant')", 'licence', owners)).toEqual([
      'IDENTITY_ENTITIES (identity)',
      'SealGrant (seal)',
    ]);
    expect(foreignEntities('this.dataSource.getRepository(Licence)', 'licence', owners)).toEqual([]);
  });

  it('no capability’s code names another capability’s entities (its tables through TypeORM)', () => {
    const owners = entityOwners();
    const offences = capabilities.flatMap((capability) =>
      filesUnder(join(root, 'libs/tech', capability, 'src')).flatMap((file) =>
        foreignEntities(readFileSync(file, 'utf8'), capability, owners).map((e) => `${relative(root, file)}: ${e}`),
      ),
    );
    expect(offences).toEqual([]);
  });

  it('no capability’s code or migrations name another capability’s tables', () => {
    const owners = tableOwners();
    const offences = capabilities.flatMap((capability) =>
      filesUnder(join(root, 'libs/tech', capability, 'src')).flatMap((file) =>
        foreignTables(readFileSync(file, 'utf8'), capability, owners).map((t) => `${relative(root, file)}: ${t}`),
      ),
    );
    expect(offences).toEqual([]);
  });
});
