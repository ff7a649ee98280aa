import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FileStoreModule } from '@gmp/tech-files';
import { ARCHIVE_ENTITIES } from './archive.schema.js';
import { ArchiveHandler } from './archive.handler.js';
import { ArchiveService } from './archive.service.js';

/** 电子档案 (e-archive): deposit packages of files with their metadata, signed; verify them later. Files come from the file store module. */
@Module({
  imports: [TypeOrmModule.forFeature(ARCHIVE_ENTITIES), FileStoreModule],
  controllers: [ArchiveHandler],
  providers: [ArchiveService],
  exports: [],
})
export class ArchiveModule {}
