import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/**
 * Dispatch's folders are Nest modules (apps, registry, grants, quota, invoke, async, proxy,
 * composition, audit, legal-bases, metrics): each owns its entities and tables, and the others
 * reach them only through what its module exports. Nest refuses a provider a module does not
 * export when the service starts; this checks the tables, which Nest cannot see: no folder hands
 * another folder's entity class to TypeORM or names its table in SQL. Types and constants from an
 * entity file (`import type`, status lists) are fine. Each check is first shown failing on a
 * planted violation, so a check that stopped matching fails here too.
 */
const lib = join(process.cwd(), 'libs/feature-dispatch/src/lib');
const SHARED = new Set(['migrations', 'shared']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}

const folders = readdirSync(lib, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !SHARED.has(e.name))
  .map((e) => e.name);

interface Owned {
  folder: string;
  file: string;
}

/** Entity class → its folder and file; table name → its folder. */
function owners(): { entities: Map<string, Owned>; tables: Map<string, string> } {
  const entities = new Map<string, Owned>();
  const tables = new Map<string, string>();
  for (const folder of folders)
    for (const file of filesUnder(join(lib, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/@Entity\(\{\s*name:\s*'(\w+)'[^)]*\)\s*(?:@\w+\((?:[^()]|\([^()]*\))*\)\s*)*export class (\w+)/g)) {
        tables.set(m[1]!, folder);
        entities.set(m[2]!, { folder, file: basename(file, '.ts') });
      }
    }
  return { entities, tables };
}

/** Another folder's entity classes imported as values into `text` (a file of `folder`), and its tables named in SQL. */
export function trespasses(text: string, folder: string, o: ReturnType<typeof owners>): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/gm)) {
    if (m[1]) continue; // `import type { … }`: no access at run time
    const from = basename(m[3]!).replace(/\.js$/, '');
    for (const raw of m[2]!.split(',')) {
      const name = raw.trim();
      if (!name || name.startsWith('type ')) continue;
      const owner = o.entities.get(name.split(/\s+as\s+/)[0]!);
      if (owner && owner.folder !== folder && owner.file === from) found.push(`entity ${name} (${owner.folder})`);
    }
  }
  for (const m of text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES|EXISTS)\s+(?:[\w${}.]*\.)?"?(\w+)"?/gi)) {
    const owner = o.tables.get(m[1]!);
    if (owner && owner !== folder) found.push(`table ${m[1]} (${owner})`);
  }
  return found;
}

describe('dispatch module boundaries (libs/feature-dispatch/src/lib/*)', () => {
  const o = owners();

  it('finds the modules and their tables', () => {
    expect(folders.sort()).toEqual(
      expect.arrayContaining(['apps', 'async', 'audit', 'composition', 'grants', 'invoke', 'legal-bases', 'proxy', 'quota', 'registry']),
    );
    expect(o.tables.get('business_app')).toBe('apps');
    expect(o.tables.get('capability_version')).toBe('registry');
    expect(o.entities.get('BusinessApp')).toEqual({ folder: 'apps', file: 'business-app.entity' });
    // every @Entity in the folders is found (a decorator the pattern misses would hide its table)
    const declared = folders
      .flatMap((f) => filesUnder(join(lib, f)))
      .reduce((n, f) => n + (readFileSync(f, 'utf8').match(/@Entity\(/g)?.length ?? 0), 0);
    expect(o.tables.size).toBe(declared);
    expect(declared).toBeGreaterThanOrEqual(10);
  });

  it('catches a planted trespass of each kind, and passes types and constants', () => {
    expect(trespasses("import { BusinessApp } from '../apps/business-app.entity.js';\n", 'async', o)).toEqual([
      'entity BusinessApp (apps)',
    ]);
    expect(
      trespasses("import { CAPABILITY_STATUSES, CapabilityVersion as V } from '../registry/capability-version.entity.js';\n", 'grants', o),
    ).toEqual(['entity CapabilityVersion as V (registry)']);
    expect(trespasses('await m.query(`SELECT 1 FROM dispatch.capability_version WHERE code = $1`);', 'legal-bases', o)).toEqual([
      'table capability_version (registry)',
    ]);
    expect(trespasses("import type { Upstream } from '../proxy/upstream.entity.js';\n", 'invoke', o)).toEqual([]);
    expect(trespasses("import { type Upstream } from '../proxy/upstream.entity.js';\n", 'invoke', o)).toEqual([]);
    expect(trespasses("import { LEGAL_BASIS_CODE } from '../legal-bases/legal-basis.entity.js';\n", 'grants', o)).toEqual([]);
    expect(trespasses("import { BusinessApp } from './business-app.entity.js';\n", 'apps', o)).toEqual([]);
  });

  it('no module reads or writes another module’s tables', () => {
    const found = folders.flatMap((folder) =>
      filesUnder(join(lib, folder)).flatMap((file) =>
        trespasses(readFileSync(file, 'utf8'), folder, o).map((t) => `${relative(lib, file)}: ${t}`),
      ),
    );
    expect(found).toEqual([]);
  });

  it('each module declares what it exports, and the service composes modules, not providers', () => {
    const modules = folders.flatMap((folder) => filesUnder(join(lib, folder)).filter((f) => f.endsWith('.module.ts')));
    expect(modules.length).toBeGreaterThanOrEqual(folders.length);
    const root = readFileSync(join(lib, 'service-dispatch.module.ts'), 'utf8');
    expect(root).not.toMatch(/providers\s*:/);
    expect(root).not.toMatch(/controllers\s*:/);
    expect(root).not.toMatch(/forFeature/);
  });
});
