import type {
  LicenceByHolderInput,
  LicenceByHolderReply,
  LicenceChangeInput,
  LicenceChangeReply,
  LicenceIdInput,
  LicenceIssueInput,
  LicenceIssueReply,
  LicencePdfReply,
  LicenceRecordReply,
  LicenceUseGrantInput,
  LicenceUseGrantReply,
  LicenceUseWithdrawInput,
  LicenceUseWithdrawReply,
  LicenceVerifyReply,
} from '@gmp/contracts';
import type { CallContext, DispatchClient } from '@gmp/dispatch-client';

/**
 * The e-licence (电子证照) capabilities, typed: issue, look up by holder or identifier, verify,
 * revoke or annotate, and the holder's use authorisations. Lookups need the holder's
 * authorisation or a declared legal basis (`context.legalBasis`).
 */
export class ELicenceClient {
  constructor(private readonly dispatch: DispatchClient) {}

  issue(input: LicenceIssueInput, context?: CallContext): Promise<LicenceIssueReply> {
    return this.dispatch.invoke('e-licence.issue', input, context);
  }

  byHolder(input: LicenceByHolderInput, context?: CallContext): Promise<LicenceByHolderReply> {
    return this.dispatch.invoke('e-licence.query-by-holder', input, context);
  }

  get(input: LicenceIdInput, context?: CallContext): Promise<LicenceRecordReply> {
    return this.dispatch.invoke('e-licence.get', input, context);
  }

  /** The sealed licence PDF as issued (base64 in `pdf`); same access rule as `get`. */
  getPdf(input: LicenceIdInput, context?: CallContext): Promise<LicencePdfReply> {
    return this.dispatch.invoke('e-licence.get-pdf', input, context);
  }

  verify(input: LicenceIdInput, context?: CallContext): Promise<LicenceVerifyReply> {
    return this.dispatch.invoke('e-licence.verify', input, context);
  }

  change(input: LicenceChangeInput, context?: CallContext): Promise<LicenceChangeReply> {
    return this.dispatch.invoke('e-licence.change', input, context);
  }

  authoriseUse(input: LicenceUseGrantInput, context?: CallContext): Promise<LicenceUseGrantReply> {
    return this.dispatch.invoke('e-licence.authorise-use', input, context);
  }

  withdrawUse(input: LicenceUseWithdrawInput, context?: CallContext): Promise<LicenceUseWithdrawReply> {
    return this.dispatch.invoke('e-licence.withdraw-use', input, context);
  }
}
