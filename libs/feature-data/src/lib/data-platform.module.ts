import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataAccessRecord } from './data-access/data-access-record.entity.js';
import { DataAccessController } from './data-access/data-access.controller.js';
import { DataAccessHandler } from './data-access/data-access.handler.js';

/** 数据中台: data-access audit for now (catalogue, sharing and base libraries come next). */
@Module({
  imports: [TypeOrmModule.forFeature([DataAccessRecord])],
  controllers: [DataAccessHandler, DataAccessController],
})
export class DataPlatformModule {}
