import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { LicenceByIdRequest, LicenceRecordReply } from '@gmp/contracts';
import { LicenceAnnotationRow } from '../../licence-annotation.entity.js';
import { LicenceLookupService, statusOf } from '../../licence-lookup.service.js';
import { LicenceType } from '../../licence-type.entity.js';

/** A licence's record, for a caller with a basis (holder, authorisation, legal basis or the issuer's own system); the read is logged. */
@Injectable()
export class GetLicence {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly lookup: LicenceLookupService,
  ) {}

  async execute({ meta, input }: LicenceByIdRequest): Promise<LicenceRecordReply> {
    const { licenceId } = input;
    const licence = await this.lookup.readable(meta, licenceId);
    const type = await this.dataSource.getRepository(LicenceType).findOneByOrFail({ code: licence.typeCode });
    const annotations = await this.dataSource.getRepository(LicenceAnnotationRow).find({ where: { licenceId }, order: { seq: 'ASC' } });
    return {
      licenceId,
      typeCode: licence.typeCode,
      typeName: type.name,
      number: licence.number,
      holderName: licence.holderName,
      holderType: licence.holderType,
      holderIdMasked: licence.holderIdMasked,
      issuerCode: licence.issuerCode,
      issuerName: licence.issuerName,
      issueDate: String(licence.issueDate),
      ...(licence.validUntil ? { validUntil: String(licence.validUntil) } : {}),
      status: statusOf(licence),
      ...(licence.data ? { data: licence.data } : {}),
      annotations: annotations.map((a) => ({ text: a.text, by: a.by, at: a.at.toISOString() })),
      ...(licence.signature ? { signature: licence.signature.toString('base64') } : {}),
    };
  }
}
