import { type DynamicModule, Module } from '@nestjs/common';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccessTokenVerifier, type AccessTokenVerifierOptions } from './access-token.verifier.js';

/** Registers the verifier and the guard: `IdentityModule.forRoot({ issuer, audience })`. */
@Module({})
export class IdentityModule {
  static forRoot(options: AccessTokenVerifierOptions): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      providers: [{ provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(options) }, AccessTokenGuard],
      exports: [AccessTokenVerifier, AccessTokenGuard],
    };
  }
}
