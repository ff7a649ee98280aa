import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { CallMeta, SealSignDataReply } from '@gmp/contracts';
import type { CryptoProvider } from '@gmp/gm-crypto';
import { CRYPTO_PROVIDER } from '@gmp/service-kit';
import { SealService } from '@gmp/tech-seal';
import type { Licence } from './licence.entity.js';

const HOLDER_LABEL = 'field:holder-id';
const PROPERTY = 'e-licence-record';

/** The seal registry's verdict on a licence record's signature. */
export type RecordVerdict = { valid: boolean; reason?: string; checks: Record<string, boolean> };

/**
 * The licence record the issuing authority's seal signs (GB/T 38540) at issue, and its check at
 * verification. The holder's id is kept with the licence only encrypted, so that the record can
 * be rebuilt and verified later; issue and verify build the record here, the same way.
 */
@Injectable()
export class LicenceSigningService {
  constructor(
    @Inject(CRYPTO_PROVIDER) private readonly crypto: CryptoProvider,
    private readonly seals: SealService,
  ) {}

  /** The holder's id as stored with the licence: encrypted, bound to the licence's identifier. */
  encryptHolderId(holderId: string, licenceId: string): Buffer {
    return this.crypto.encrypt(HOLDER_LABEL, holderId.toUpperCase(), licenceId);
  }

  /** Signs the licence's record with the issuing seal. */
  signRecord(meta: CallMeta, sealId: string, licence: Licence, holderId: string): Promise<SealSignDataReply> {
    // The seal service checks that the calling app may use the issuing seal, signs, and logs the use.
    return this.seals.signData(meta, {
      sealId,
      data: Buffer.from(this.record(licence, holderId)).toString('base64'),
      propertyInfo: PROPERTY,
    });
  }

  /** The seal registry's verdict on the record as stored now; NOT_SIGNED for a licence without a signature (not issued here). */
  async verifyRecord(licence: Licence): Promise<RecordVerdict> {
    if (!(licence.signature && licence.holderIdEnc)) return { valid: false, reason: 'NOT_SIGNED', checks: {} };
    const holderId = this.crypto.decrypt(HOLDER_LABEL, licence.holderIdEnc, licence.licenceId).toString();
    return this.seals.verify({
      signature: licence.signature.toString('base64'),
      data: Buffer.from(this.record(licence, holderId)).toString('base64'),
    });
  }

  /** The record the issuing seal signs: GB/T 36902/36903 fields and the data items, as canonical JSON (RFC 8785). */
  private record(l: Licence, holderId: string): string {
    return canonicalize({
      licenceId: l.licenceId,
      typeCode: l.typeCode,
      number: l.number,
      holderType: l.holderType,
      holderId: holderId.toUpperCase(),
      holderName: l.holderName,
      issuerCode: l.issuerCode,
      issuerName: l.issuerName,
      issueDate: String(l.issueDate),
      validUntil: l.validUntil ? String(l.validUntil) : null,
      data: l.data ?? {},
    })!;
  }
}
