import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDeepStrictEqual } from 'node:util';
import type { DataSource } from 'typeorm';
import { CatalogueProblem } from '../../../business.problems.js';
import { MattersService } from '../../../matters/matters.service.js';
import type { BundleDefinition } from '../../bundle-definition.js';
import { type BundlePlan, compileBundle, type CompileError } from '../../bundle.compiler.js';
import { BizBundle } from '../../bundles.entities.js';
import { ElementSourcesService } from '../../element-sources.service.js';

export interface PublishBundleCommand {
  definition: BundleDefinition;
  /** The YAML as uploaded, kept with the version. */
  source: string | null;
  by: string;
}

/**
 * Compiles a bundle against the current matter catalogue and the data platform's element
 * sources, and publishes it as a version (一件事发布): a definition that does not compile is
 * refused with every error (422); the same version again with the same definition changes
 * nothing; a version number already used for another definition, or not above the highest
 * published, is refused (409). `compile` alone is the dry run.
 */
@Injectable()
export class PublishBundle {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly matters: MattersService,
    private readonly elements: ElementSourcesService,
  ) {}

  async compile(definition: BundleDefinition): Promise<{ plan: BundlePlan; matterVersions: Record<string, number> }> {
    const rows = await this.matters.definitions(definition.matters.map((x) => x.matter));
    const catalogue = new Map(rows.map((r) => [r.code, r.definition]));
    const sources = await this.elements.of(rows.flatMap((r) => r.definition.fields.flatMap((f) => (f.element ? [f.element] : []))));
    const result = compileBundle(definition, catalogue, sources);
    if (!result.ok) throw invalid(result.errors);
    return { plan: result.plan, matterVersions: Object.fromEntries(rows.map((r) => [r.code, r.version])) };
  }

  async execute(cmd: PublishBundleCommand): Promise<{ bundle: BizBundle; changed: boolean }> {
    const definition = JSON.parse(JSON.stringify(cmd.definition)) as BundleDefinition;
    const { plan, matterVersions } = await this.compile(definition);
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`biz_bundle:${definition.code}`]);
      const repo = m.getRepository(BizBundle);
      const same = await repo.findOneBy({ code: definition.code, version: definition.version });
      if (same) {
        if (isDeepStrictEqual(same.definition, definition)) return { bundle: same, changed: false };
        throw CatalogueProblem.BUNDLE_VERSION_EXISTS(`${definition.code} v${definition.version}`);
      }
      const [latest] = await repo.find({ where: { code: definition.code }, order: { version: 'DESC' }, take: 1 });
      if (latest && latest.version > definition.version)
        throw CatalogueProblem.BUNDLE_VERSION_OLD(`${definition.code}: v${definition.version} < v${latest.version}`);
      const bundle: BizBundle = {
        code: definition.code,
        version: definition.version,
        name: definition.name,
        status: 'active',
        definition,
        source: cmd.source,
        plan,
        matterVersions,
        publishedAt: new Date(),
        publishedBy: cmd.by.slice(0, 128),
        retiredAt: null,
        retiredBy: null,
        retireReason: null,
      };
      await repo.insert(bundle);
      return { bundle, changed: true };
    });
  }
}

function invalid(errors: CompileError[]) {
  return CatalogueProblem.BUNDLE_INVALID(
    errors
      .map((e) => e.message)
      .join('; ')
      .slice(0, 2000),
    errors.map((e) => ({ field: e.path, message: `${e.code}: ${e.message}` })),
  );
}
