import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FileStoreController, InternalFileStoreController } from './file-store.controller.js';
import { FILE_STORE_ENTITIES } from './file-store.schema.js';
import { FileStoreService } from './file-store.service.js';

/** 文件存储 (file store): uploads checked for type and malware, content-addressed blobs, owner-scoped reads. */
@Module({
  imports: [TypeOrmModule.forFeature(FILE_STORE_ENTITIES)],
  controllers: [FileStoreController, InternalFileStoreController],
  providers: [FileStoreService],
  exports: [FileStoreService],
})
export class FileStoreModule {}
