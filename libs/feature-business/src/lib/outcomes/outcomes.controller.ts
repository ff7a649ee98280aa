import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InternalApiGuard } from '@gmp/service-kit';
import { CatalogueProblem } from '../business.problems.js';
import { BundlesService } from '../bundles/bundles.service.js';
import { ComputeOutcomes } from './usecases/compute-outcomes/compute-outcomes.usecase.js';

/** 四减, computed by the platform (internal network: supervision, the docs generator). */
@ApiTags('outcomes 四减')
@Controller('internal/v1/business/outcomes')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class OutcomesController {
  constructor(
    private readonly outcomes: ComputeOutcomes,
    private readonly bundles: BundlesService,
  ) {}

  @Get()
  @ApiOperation({ summary: '四减 of every active bundle (catalogue figures and real cases)' })
  async all() {
    const codes = [...new Set((await this.bundles.list()).filter((b) => b.status === 'active').map((b) => b.code))];
    return { bundles: await Promise.all(codes.map((code) => this.outcomes.execute(code))) };
  }

  @Get(':bundleCode')
  @ApiOperation({
    summary: '四减 of one bundle: steps, materials, fields, visits and days — separately vs as the bundle, and from real cases',
  })
  one(@Param('bundleCode') code: string) {
    if (!/^[A-Z][A-Z0-9-]{2,63}$/.test(code)) throw CatalogueProblem.BUNDLE_NOT_FOUND(code.slice(0, 64));
    return this.outcomes.execute(code);
  }
}
