import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallerSubjectService } from './caller-subject.service.js';
import { DataAccessLogService } from './data-access-log.service.js';
import { DataAccessRecord } from './data-access-record.entity.js';
import { DataAccessController } from './data-access.controller.js';
import { DataAccessHandler } from './data-access.handler.js';
import { MyUsageHandler } from './my-usage.handler.js';
import { ReadMyUsage } from './usecases/read-my-usage/read-my-usage.usecase.js';
import { SealAccessLog } from './usecases/seal-access-log/seal-access-log.usecase.js';

/** 数据使用记录 ("who used my data"): reads reported by events and by this service's own data services. */
@Module({
  imports: [TypeOrmModule.forFeature([DataAccessRecord])],
  controllers: [DataAccessHandler, DataAccessController, MyUsageHandler],
  providers: [DataAccessLogService, CallerSubjectService, ReadMyUsage, SealAccessLog],
  exports: [DataAccessLogService, CallerSubjectService],
})
export class DataAccessModule {}
