import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OidcProviderService } from './oidc-provider.service.js';

/**
 * Mounts the OpenID provider at /oidc: discovery, JWKS, token, authorization, introspection,
 * revocation, end-session. The request goes to oidc-provider as is (the body Fastify already
 * parsed is handed over; oidc-provider accepts it).
 */
@ApiExcludeController()
@Controller('oidc')
export class OidcController {
  constructor(private readonly oidc: OidcProviderService) {}

  @All(['', '*'])
  handle(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    void reply.hijack();
    const raw = request.raw as FastifyRequest['raw'] & { body?: unknown; originalUrl?: string };
    if (request.body !== undefined) raw.body = request.body;
    // As an Express mount would: originalUrl keeps /oidc (oidc-provider derives its mount path
    // from it for the URLs it publishes), url is relative to the mount.
    raw.originalUrl = raw.url;
    raw.url = raw.url!.replace(/^\/oidc/, '') || '/';
    this.oidc.handle(raw, reply.raw);
  }
}
