import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MattersController } from './matters.controller.js';
import { BizMatter, BizMatterVersion } from './matters.entities.js';
import { MattersService } from './matters.service.js';
import { DefineMatter } from './usecases/define-matter/define-matter.usecase.js';

/** 事项目录 (matter catalogue): matters as data, versioned; the 三级四同 report. */
@Module({
  imports: [TypeOrmModule.forFeature([BizMatter, BizMatterVersion])],
  controllers: [MattersController],
  providers: [MattersService, DefineMatter],
  exports: [MattersService, DefineMatter],
})
export class MattersModule {}
