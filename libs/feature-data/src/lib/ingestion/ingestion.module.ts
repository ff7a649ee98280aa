import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { BulkLoadController } from './bulk-load.controller.js';
import { BulkLine, BulkLoad } from './bulk-load.entities.js';
import { IngestionController } from './ingestion.controller.js';
import { DataRecord, DataRecordHistory, DataRecordLink, QuarantineEntry } from './ingestion.entities.js';
import { ProfilesService } from './profiles.service.js';
import { QualityReportService } from './quality-report.service.js';
import { QuarantineStoreService } from './quarantine-store.service.js';
import { RecordReaderService } from './record-reader.service.js';
import { RecordStoreService } from './record-store.service.js';
import { UniquenessCheckService } from './uniqueness-check.service.js';
import { RecordsHandler } from './records.handler.js';
import { IngestRecord } from './usecases/ingest-record/ingest-record.usecase.js';
import { ProcessBulkLoads } from './usecases/process-bulk-loads/process-bulk-loads.usecase.js';
import { ReceiveBulkLoad } from './usecases/receive-bulk-load/receive-bulk-load.usecase.js';
import { ResubmitQuarantined } from './usecases/resubmit-quarantined/resubmit-quarantined.usecase.js';

/** 数据归集 (ingestion): records checked against the catalogue, stored with history or quarantined; quality reports. */
@Module({
  imports: [
    TypeOrmModule.forFeature([DataRecord, DataRecordHistory, DataRecordLink, QuarantineEntry, BulkLoad, BulkLine]),
    CatalogueModule,
  ],
  controllers: [RecordsHandler, IngestionController, BulkLoadController],
  providers: [
    RecordReaderService,
    RecordStoreService,
    UniquenessCheckService,
    QuarantineStoreService,
    ProfilesService,
    IngestRecord,
    ResubmitQuarantined,
    ReceiveBulkLoad,
    ProcessBulkLoads,
    QualityReportService,
  ],
  exports: [IngestRecord, RecordReaderService, RecordStoreService, ProfilesService],
})
export class IngestionModule {}
