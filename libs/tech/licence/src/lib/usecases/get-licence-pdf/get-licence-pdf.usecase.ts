import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { LicenceByIdRequest, LicencePdfReply } from '@gmp/contracts';
import { LicenceDocument } from '../../licence-document.entity.js';
import { LicenceLookupService } from '../../licence-lookup.service.js';
import { LicenceProblem } from '../../licence.problems.js';

/** The sealed PDF as issued (stored at issue, never re-rendered), under the same rule as GetLicence; the read is logged. */
@Injectable()
export class GetLicencePdf {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lookup: LicenceLookupService,
  ) {}

  async execute({ meta, input }: LicenceByIdRequest): Promise<LicencePdfReply> {
    const { licenceId } = input;
    await this.lookup.readable(meta, licenceId);
    const doc = await this.dataSource.getRepository(LicenceDocument).findOneBy({ licenceId });
    if (!doc) throw LicenceProblem.NO_DOCUMENT(licenceId);
    return { licenceId, pdf: doc.pdf.toString('base64'), sha256: createHash('sha256').update(doc.pdf).digest('hex') };
  }
}
