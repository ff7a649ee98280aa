import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BundlesService } from '../../../bundles/bundles.service.js';
import { CaseProgressService } from '../../case-progress.service.js';
import { BizCase, BizCasePart, BizCaseSupplement } from '../../cases.entities.js';
import { CaseProblem } from '../../cases.problems.js';

export interface SupplyMaterialCommand {
  caseNo: string;
  materialCode: string;
  fileId: string;
  by: string;
}

/**
 * 容缺补正: a material accepted missing is handed in before its due day. The last one releases
 * the outputs of a case whose parts are all done. After the due day it is refused (the sweep has
 * stopped, or will stop, the case).
 */
@Injectable()
export class SupplyMaterial {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bundles: BundlesService,
    private readonly progress: CaseProgressService,
  ) {}

  async execute(cmd: SupplyMaterialCommand): Promise<BizCase> {
    const known = await this.dataSource.getRepository(BizCase).findOneBy({ caseNo: cmd.caseNo });
    if (!known) throw CaseProblem.CASE_NOT_FOUND(cmd.caseNo);
    const bundle = await this.bundles.get(known.bundleCode, known.bundleVersion);
    const schedule = await this.progress.scheduleFor(bundle);
    return this.dataSource.transaction(async (m) => {
      const c = (await m.getRepository(BizCase).findOne({ where: { id: known.id }, lock: { mode: 'pessimistic_write' } }))!;
      const supplement = await m.getRepository(BizCaseSupplement).findOneBy({ caseId: c.id, materialCode: cmd.materialCode });
      if (!supplement) throw CaseProblem.SUPPLEMENT_NOT_FOUND(`${cmd.caseNo} ${cmd.materialCode}`);
      if (supplement.status === 'supplied') throw CaseProblem.SUPPLEMENT_CLOSED(`已补齐 (already supplied): ${supplement.materialName}`);
      if (supplement.status === 'expired')
        throw CaseProblem.SUPPLEMENT_CLOSED(`已逾期 (past its due day ${supplement.dueOn}): ${supplement.materialName}`);
      // Only an open supplement of a case still under way: a withdrawn or stopped case is not revived by it.
      if (supplement.status !== 'open' || (c.status !== 'in-progress' && c.status !== 'awaiting-supplements'))
        throw CaseProblem.SUPPLEMENT_CLOSED(
          `办件已${c.status === 'withdrawn' ? '撤回' : '终止'} (the case is ${c.status}): ${supplement.materialName}`,
        );
      const now = new Date();
      await m.getRepository(BizCaseSupplement).update({ id: supplement.id }, { status: 'supplied', fileId: cmd.fileId, suppliedAt: now });
      c.materials = c.materials.map((x) => (x.code === cmd.materialCode ? { ...x, status: 'uploaded' as const, fileId: cmd.fileId } : x));
      await m.getRepository(BizCase).update({ id: c.id }, { materials: c.materials });
      await this.progress.note(m, c, 'supplied', `已补齐容缺材料「${supplement.materialName}」`, cmd.by);
      const parts = await m.getRepository(BizCasePart).findBy({ caseId: c.id });
      await this.progress.advance(m, c, parts, bundle.plan, schedule, cmd.by);
      return c;
    });
  }
}
