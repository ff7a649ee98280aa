import 'reflect-metadata';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { AccessTokenGuard, CurrentPrincipal, RequireAssurance, RequireScopes } from './access-token.guard.js';
import { IdentityModule } from './identity.module.js';
import { AssuranceLevel, type Principal } from './principal.js';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const ISSUER = 'http://127.0.0.1/oidc';
const AUDIENCE = 'urn:gov-mp:api';

@Controller()
@UseGuards(AccessTokenGuard)
class ProbeController {
  @Get('open')
  open(@CurrentPrincipal() principal: Principal) {
    return { subject: principal.subject, scopes: principal.scopes, assurance: principal.assurance };
  }

  @Get('scoped')
  @RequireScopes('licence:read')
  scoped() {
    return { ok: true };
  }

  @Get('assured')
  @RequireAssurance(AssuranceLevel.RealName)
  assured() {
    return { ok: true };
  }
}

/** The shared guard against tokens signed by a real key served from a real JWKS endpoint. */
describe('AccessTokenGuard', () => {
  let jwks: { keys: JWK[] };
  let jwksServer: Server;
  let app: NestFastifyApplication;
  let url: string;
  let key: { privateKey: SigningKey; kid: string };

  const sign = async (
    claims: Record<string, unknown>,
    opts: { key?: { privateKey: SigningKey; kid: string }; exp?: string; iss?: string; aud?: string } = {},
  ) => {
    const k = opts.key ?? key;
    return new SignJWT({ client_id: 'portal-a', scope: 'openid licence:read', acr: 'urn:gov-mp:loa:3', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: k.kid })
      .setSubject('account-1')
      .setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m')
      .sign(k.privateKey);
  };
  const newKey = async (kid: string) => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    return { privateKey: pair.privateKey, kid, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' } };
  };
  const call = async (path: string, token?: string) => {
    const res = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as any, challenge: res.headers.get('www-authenticate') };
  };

  beforeAll(async () => {
    const first = await newKey('k1');
    key = first;
    jwks = { keys: [first.jwk] };
    jwksServer = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(jwks)));
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const port = (jwksServer.address() as { port: number }).port;

    @Module({
      imports: [
        IdentityModule.forRoot({ issuer: ISSUER, audience: AUDIENCE, jwksUri: `http://127.0.0.1:${port}/jwks`, jwksCooldownMs: 0 }),
      ],
      controllers: [ProbeController],
    })
    class ProbeModule {}
    app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app?.close();
    jwksServer?.close();
  });

  it('accepts a valid token and exposes the principal', async () => {
    const r = await call('/open', await sign({}));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ subject: 'account-1', scopes: ['openid', 'licence:read'], assurance: 3 });
  });

  it.each([
    ['missing', async () => undefined, 'TOKEN_MISSING'],
    ['malformed', async () => 'not.a.jwt', 'TOKEN_MALFORMED'],
    ['expired', async () => sign({}, { exp: '-1m' }), 'TOKEN_EXPIRED'],
    ['from another issuer', async () => sign({}, { iss: 'https://evil.example/oidc' }), 'TOKEN_WRONG_ISSUER'],
    ['for another audience', async () => sign({}, { aud: 'urn:other:api' }), 'TOKEN_WRONG_AUDIENCE'],
  ])('refuses a %s token with 401 and a reason', async (_name, token, code) => {
    const r = await call('/open', await token());
    expect(r.status).toBe(401);
    expect(r.body.code).toBe(code);
    expect(r.challenge).toMatch(/^Bearer/);
  });

  it('refuses a forged token (signed by another key under a known key id)', async () => {
    const forger = await newKey('k1');
    const r = await call('/open', await sign({}, { key: forger }));
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('TOKEN_BAD_SIGNATURE');
  });

  it('follows key rotation: a token under a new key id is verified after the JWKS changes', async () => {
    const rotated = await newKey('k2');
    jwks = { keys: [rotated.jwk, ...jwks.keys] };
    await new Promise((r) => setTimeout(r, 50));
    const r = await call('/open', await sign({}, { key: rotated }));
    expect(r.status).toBe(200);
  });

  it('enforces required scopes (403) and levels of assurance (403)', async () => {
    expect((await call('/scoped', await sign({}))).status).toBe(200);
    const noScope = await call('/scoped', await sign({ scope: 'openid' }));
    expect(noScope.status).toBe(403);
    expect(noScope.body.code).toBe('INSUFFICIENT_SCOPE');
    expect(noScope.challenge).toContain('insufficient_scope');
    expect((await call('/assured', await sign({ acr: 'urn:gov-mp:loa:3' }))).status).toBe(200);
    const low = await call('/assured', await sign({ acr: 'urn:gov-mp:loa:2' }));
    expect(low.status).toBe(403);
    expect(low.body.code).toBe('INSUFFICIENT_ASSURANCE');
    expect((await call('/assured', await sign({ acr: undefined }))).status).toBe(403);
  });
});
