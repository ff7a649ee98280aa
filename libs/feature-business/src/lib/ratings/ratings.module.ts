import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CasesModule } from '../cases/cases.module.js';
import { RatingsController } from './ratings.controller.js';
import { BizRating, BizRectification } from './ratings.entities.js';
import { RateCase } from './usecases/rate-case/rate-case.usecase.js';
import { WorkRectification } from './usecases/work-rectification/work-rectification.usecase.js';

/** 好差评: ratings of cases and parts by their applicants, rectifications of bad ones, rates for supervision. */
@Module({
  imports: [TypeOrmModule.forFeature([BizRating, BizRectification]), CasesModule],
  controllers: [RatingsController],
  providers: [RateCase, WorkRectification],
  exports: [RateCase, WorkRectification],
})
export class RatingsModule {}
