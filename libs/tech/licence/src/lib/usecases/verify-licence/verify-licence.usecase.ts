import { Injectable } from '@nestjs/common';
import type { LicenceIdInput, LicenceVerifyReply } from '@gmp/contracts';
import { isLicenceId } from '@gmp/gov-standards';
import { LicenceLookupService, statusOf } from '../../licence-lookup.service.js';
import { LicenceSigningService } from '../../licence-signing.service.js';

/** Identifier check character, the seal's signature over the record (with the seal registry's verdict), status and validity. */
@Injectable()
export class VerifyLicence {
  constructor(
    private readonly lookup: LicenceLookupService,
    private readonly signing: LicenceSigningService,
  ) {}

  async execute({ licenceId }: LicenceIdInput): Promise<LicenceVerifyReply> {
    const identifierValid = isLicenceId(licenceId);
    const licence = await this.lookup.find(licenceId);
    const status = statusOf(licence);
    const seal = await this.signing.verifyRecord(licence);
    const checks = { identifierValid, sealSignatureValid: seal.valid, notRevoked: status !== 'revoked', notExpired: status !== 'expired' };
    const reason = !identifierValid
      ? 'IDENTIFIER_INVALID'
      : status === 'revoked'
        ? 'REVOKED'
        : status === 'expired'
          ? 'EXPIRED'
          : !seal.valid
            ? seal.reason === 'DOCUMENT_CHANGED'
              ? 'RECORD_CHANGED'
              : (seal.reason ?? 'SIGNATURE_INVALID')
            : undefined;
    return {
      valid: reason === undefined,
      status,
      ...(reason ? { reason } : {}),
      checks: { ...checks, ...Object.fromEntries(Object.entries(seal.checks).map(([k, v]) => [`seal.${k}`, v])) },
    };
  }
}
