import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDeepStrictEqual } from 'node:util';
import type { DataSource } from 'typeorm';
import { BizMatter, BizMatterVersion } from '../../matters.entities.js';
import type { MatterDefinition } from '../../matter-definition.js';
import { workflowErrors } from '../../workflow.js';
import { regionName } from '@gmp/gov-standards';
import { CatalogueProblem } from '../../../business.problems.js';
import { BusinessConfig } from '../../../business.config.js';

export interface DefineMatterCommand {
  definition: MatterDefinition;
  by: string;
}

/**
 * Defines a matter or changes it (事项发布): the same definition again changes nothing; another
 * one is the next version, every version kept. Bundles compiled against an older version show
 * as stale until republished.
 */
@Injectable()
export class DefineMatter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: BusinessConfig,
  ) {}

  async execute(cmd: DefineMatterCommand): Promise<{ matter: BizMatter; changed: boolean }> {
    const definition = JSON.parse(JSON.stringify(cmd.definition)) as MatterDefinition;
    const errors = [
      ...workflowErrors(definition.workflow),
      ...outputErrors(definition),
      ...checkErrors(definition, this.settings.checkResources()),
      // 办理地: a division the platform knows (a county by its city or province), or 跨域办 could not place the matter.
      ...(regionName(definition.region) ? [] : [`未知的行政区划代码 (region is not a known GB/T 2260 division): ${definition.region}`]),
    ];
    if (errors.length > 0)
      throw CatalogueProblem.MATTER_INVALID(
        errors.join('; ').slice(0, 2000),
        errors.map((message) => ({ field: 'workflow', message })),
      );
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(BizMatter);
      // Insert-or-lock: concurrent definitions of one new matter serialise on its row.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`biz_matter:${definition.code}`]);
      const current = await repo.findOne({ where: { code: definition.code }, lock: { mode: 'pessimistic_write' } });
      if (current && isDeepStrictEqual(current.definition, definition)) return { matter: current, changed: false };
      const now = new Date();
      const row: BizMatter = {
        code: definition.code,
        baseCode: definition.baseCode,
        name: definition.name,
        type: definition.type,
        department: definition.department,
        level: definition.level,
        region: definition.region,
        target: definition.target,
        version: (current?.version ?? 0) + 1,
        definition,
        updatedAt: now,
        updatedBy: cmd.by.slice(0, 128),
      };
      await repo.save(row);
      await m.getRepository(BizMatterVersion).insert({
        code: row.code,
        version: row.version,
        definition,
        changedAt: now,
        changedBy: row.updatedBy,
      });
      return { matter: row, changed: true };
    });
  }
}

/** An output issued by the platform names its licence type, and takes its data items from fields the matter has. */
function outputErrors(definition: MatterDefinition): string[] {
  const keys = new Set(definition.fields.map((f) => f.key));
  return definition.outputs.flatMap((o) => [
    ...(o.seal && !o.licenceType ? [`结果「${o.name}」有印章但没有证照类型 (an output with a seal needs its licenceType)`] : []),
    ...Object.entries(o.data ?? {})
      .filter(([item, key]) => typeof key !== 'string' || !keys.has(key) || item.length === 0 || item.length > 64)
      .map(
        ([item, key]) =>
          `结果「${o.name}」的照面项 ${item.slice(0, 64)} 取自不存在的字段 (a data item from no field of the matter): ${String(key).slice(0, 64)}`,
      ),
  ]);
}

/**
 * A commitment check belongs to a material a commitment may replace, names a resource the platform
 * checks against (BUSINESS_CHECK_RESOURCES), and matches on item codes — with plain values, or
 * with fields the matter has.
 */
function checkErrors(definition: MatterDefinition, resources: string[]): string[] {
  const keys = new Set(definition.fields.map((f) => f.key));
  const item = /^[a-z][a-zA-Z0-9_]{0,63}$/;
  return definition.materials.flatMap((x) => {
    if (!x.verify) return [];
    const equals = Object.entries(x.verify.equals ?? {});
    const fields = Object.entries(x.verify.fields ?? {});
    return [
      ...(x.commitment ? [] : [`材料「${x.name}」不适用告知承诺，不能设核查 (a check needs \`commitment: true\`)`]),
      ...(resources.includes(x.verify.resource)
        ? []
        : [
            `材料「${x.name}」的核查资源 ${x.verify.resource} 不在 BUSINESS_CHECK_RESOURCES 中 (not a resource commitments are checked against)`,
          ]),
      ...(equals.length + fields.length > 20 ? [`材料「${x.name}」的核查条件过多 (at most 20 items)`] : []),
      ...equals
        .filter(([i, v]) => !item.test(i) || !['string', 'number', 'boolean'].includes(typeof v) || String(v).length > 200)
        .map(([i]) => `材料「${x.name}」的核查条件 ${i.slice(0, 64)} 无效 (an item code with a plain value)`),
      ...fields
        .filter(([i, key]) => !item.test(i) || typeof key !== 'string' || !keys.has(key))
        .map(([i]) => `材料「${x.name}」的核查条件 ${i.slice(0, 64)} 无效 (an item code with a field of the matter)`),
    ];
  });
}
