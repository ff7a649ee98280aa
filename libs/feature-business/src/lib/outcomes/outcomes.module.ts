import { Module } from '@nestjs/common';
import { BundlesModule } from '../bundles/bundles.module.js';
import { OutcomesController } from './outcomes.controller.js';
import { ComputeOutcomes } from './usecases/compute-outcomes/compute-outcomes.usecase.js';

/** 四减, computed: the catalogue's figures and real cases', per bundle. */
@Module({
  imports: [BundlesModule],
  controllers: [OutcomesController],
  providers: [ComputeOutcomes],
  exports: [ComputeOutcomes],
})
export class OutcomesModule {}
