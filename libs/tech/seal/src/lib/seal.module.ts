import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DemoSealSeed } from './demo-seal.seed.js';
import { SealController } from './seal.controller.js';
import { SEAL_ENTITIES } from './seal.schema.js';
import { SealHandler } from './seal.handler.js';
import { SealService } from './seal.service.js';

/** 电子印章 (e-seal): the registry made by the platform's seal maker, grants, the use log, signing and verification. */
@Module({
  imports: [TypeOrmModule.forFeature(SEAL_ENTITIES)],
  controllers: [SealHandler, SealController],
  providers: [SealService, DemoSealSeed],
  exports: [SealService, DemoSealSeed],
})
export class SealModule {}
