import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { DataSource } from 'typeorm';
import type { LicenceChangeReply, LicenceChangeRequest } from '@gmp/contracts';
import { quoteTablePath } from '@gmp/messaging';
import { SealService } from '@gmp/tech-seal';
import { LicenceAnnotationRow } from '../../licence-annotation.entity.js';
import { LicenceEventsService } from '../../licence-events.service.js';
import { LicenceLookupService, statusOf } from '../../licence-lookup.service.js';
import { Licence } from '../../licence.entity.js';
import { LicenceProblem } from '../../licence.problems.js';

/** Revokes (注销) or annotates (加注) a licence: only an app that may use the issuing seal. */
@Injectable()
export class ChangeLicence {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly seals: SealService,
    private readonly lookup: LicenceLookupService,
    private readonly events: LicenceEventsService,
  ) {}

  async execute({ meta, input }: LicenceChangeRequest): Promise<LicenceChangeReply> {
    const licence = await this.lookup.find(input.licenceId);
    if (!licence.sealId) throw LicenceProblem.NOT_ISSUED_HERE(input.licenceId);
    // Before signing: a retried revocation is answered without another seal use.
    if (input.action === 'revoke' && statusOf(licence) === 'revoked') throw LicenceProblem.ALREADY_REVOKED(input.licenceId);
    // Proves the caller may act for the issuer: signs the change with the issuing seal (logged as a seal use).
    await this.seals.signData(meta, {
      sealId: licence.sealId,
      data: Buffer.from(canonicalize({ licenceId: input.licenceId, action: input.action, text: input.text })!).toString('base64'),
      propertyInfo: `e-licence-${input.action}`,
    });
    const count = await this.dataSource.transaction(async (m) => {
      if (input.action === 'revoke') {
        // Two revocations at once: one changes the row and announces it, the other is told it is revoked.
        const revoked = await m
          .createQueryBuilder()
          .update(Licence)
          .set({ status: 'revoked', revokedAt: new Date(), revokedReason: input.text })
          .where(`licence_id = :id AND status <> 'revoked'`, { id: input.licenceId })
          .execute();
        if (revoked.affected !== 1) throw LicenceProblem.ALREADY_REVOKED(input.licenceId);
      } else {
        const [{ next }] = await m.query(
          `SELECT coalesce(max(seq), 0) + 1 AS next FROM ${quoteTablePath(m.getRepository(LicenceAnnotationRow).metadata.tablePath)} WHERE licence_id = $1`,
          [input.licenceId],
        );
        await m.insert(LicenceAnnotationRow, { licenceId: input.licenceId, seq: Number(next), text: input.text, by: meta.app });
      }
      const updated = await m.findOneByOrFail(Licence, { licenceId: input.licenceId });
      await this.events.announce(m, meta, input.action === 'revoke' ? 'revoked' : 'annotated', updated);
      return m.countBy(LicenceAnnotationRow, { licenceId: input.licenceId });
    });
    const after = await this.lookup.find(input.licenceId);
    return { licenceId: input.licenceId, status: statusOf(after), annotations: count };
  }
}
