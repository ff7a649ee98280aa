import type { SealPdfInput, SealPdfReply, SealSignDataInput, SealSignDataReply, SealVerifyInput, SealVerifyReply } from '@gmp/contracts';
import type { CallContext, DispatchClient } from '@gmp/dispatch-client';

/** The electronic-seal capabilities through dispatch, typed: sign data, seal a PDF, verify. */
export class ESealClient {
  constructor(private readonly dispatch: DispatchClient) {}

  signData(input: SealSignDataInput, context?: CallContext): Promise<SealSignDataReply> {
    return this.dispatch.invoke('e-seal.sign-data', input, context);
  }

  sealPdf(input: SealPdfInput, context?: CallContext): Promise<SealPdfReply> {
    return this.dispatch.invoke('e-seal.seal-pdf', input, context);
  }

  verify(input: SealVerifyInput, context?: CallContext): Promise<SealVerifyReply> {
    return this.dispatch.invoke('e-seal.verify', input, context);
  }
}
