import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDeepStrictEqual } from 'node:util';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { RESOURCE_CODE, type ResourceDefinitionBody, type ResourceView } from '../../catalogue.dto.js';
import { DataResource, DataResourceVersion } from '../../catalogue.entities.js';
import { CatalogueProblem } from '../../catalogue.problems.js';
import { CatalogueService, resourceView } from '../../catalogue.service.js';
import { definitionProblems, recordSchemaOf } from '../../resource-definition.js';

export interface PublishResourceCommand {
  code: string;
  definition: ResourceDefinitionBody;
  /** Who publishes (X-Caller). */
  by: string;
}

/**
 * Catalogues a resource or publishes a new version of it: the definition checked as a whole
 * (every problem at once), the record schema generated, the version kept. Publishing the same
 * definition again changes nothing (same version). The provider department never changes.
 */
@Injectable()
export class PublishResource {
  private readonly log = new Logger('Catalogue');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: CatalogueService,
  ) {}

  async execute({ code, definition, by }: PublishResourceCommand): Promise<ResourceView & { changed: boolean }> {
    if (!RESOURCE_CODE.test(code)) throw CatalogueProblem.RESOURCE_CODE_INVALID(code);
    const problems = definitionProblems(definition);
    if (problems.length > 0) throw CatalogueProblem.DEFINITION_INVALID(`${problems.length} 处问题 (problems)`, problems);
    const { changeNote, ...stored } = definition;
    const clean = JSON.parse(JSON.stringify(stored)) as ResourceDefinitionBody;
    const now = new Date();
    const result = await this.publishOnce(code, clean, changeNote, by, now);
    this.catalogue.forget(code);
    if (result.changed) this.log.log(`资源 ${code} 发布第 ${result.row.version} 版 (resource version published) by ${by}`);
    return { ...resourceView(result.row), changed: result.changed };
  }

  private async publishOnce(code: string, clean: ResourceDefinitionBody, changeNote: string | undefined, by: string, now: Date) {
    try {
      return await this.dataSource.transaction(async (m) => {
        const repo = m.getRepository(DataResource);
        const current = await repo.findOne({ where: { code }, lock: { mode: 'pessimistic_write' } });
        if (current && current.providerDepartment !== clean.providerDepartment)
          throw CatalogueProblem.PROVIDER_CHANGED(`${code}: ${current.providerDepartment}`);
        if (current && isDeepStrictEqual(current.definition, clean)) return { row: current, changed: false };
        const version = (current?.version ?? 0) + 1;
        const row: DataResource = {
          code,
          version,
          name: clean.name,
          providerDepartment: clean.providerDepartment,
          sharingType: clean.sharingType,
          library: clean.library ?? null,
          status: 'active',
          definition: clean,
          recordSchema: recordSchemaOf(clean),
          updatedBy: by,
          updatedAt: now,
        };
        if (current) await repo.save(row);
        else await repo.insert(row as QueryDeepPartialEntity<DataResource>);
        await m
          .getRepository(DataResourceVersion)
          .insert({ code, version, definition: clean, changeNote: changeNote ?? null, changedBy: by, changedAt: now });
        return { row, changed: true };
      });
    } catch (err) {
      // Two first publications of one code at once: the second finds the key taken.
      if ((err as { code?: string }).code === '23505') throw CatalogueProblem.CONCURRENT_CHANGE(code);
      throw err;
    }
  }
}
