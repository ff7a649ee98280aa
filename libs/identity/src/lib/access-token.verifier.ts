import { createVerifier, TokenError } from 'fast-jwt';
import { JwksKeyStore } from './jwks-key.store.js';
import { AssuranceLevel, type DataScope, type Principal } from './principal.js';

export interface AccessTokenVerifierOptions {
  /** Issuer URL of the platform's OpenID provider (the `iss` of every token). */
  issuer: string;
  /** Audience this service accepts (the resource indicator of the platform's APIs). */
  audience: string;
  /** JWKS URL; defaults to `<issuer>/jwks`. */
  jwksUri?: string;
  /** Or a key resolver: key id → PEM public key (tests, in-process use). */
  keys?: (kid: string | undefined) => Promise<string>;
  clockToleranceSeconds?: number;
  /** Least time between two JWKS fetches triggered by unknown key ids (default 30 s). */
  jwksCooldownMs?: number;
}

/** Why a token was refused, in Chinese with English beside it. */
export class TokenRejected extends Error {
  constructor(
    readonly reason: 'MISSING' | 'MALFORMED' | 'EXPIRED' | 'BAD_SIGNATURE' | 'WRONG_ISSUER' | 'WRONG_AUDIENCE' | 'INVALID',
    message: string,
  ) {
    super(message);
  }
}

type Claims = Record<string, unknown> & { sub?: string };

/**
 * Verifies access tokens locally: signature against the provider's JWKS (fetched once, cached,
 * refetched when an unknown key id appears — key rotation), issuer, audience, expiry. Uses
 * fast-jwt (Node's synchronous crypto): WebCrypto-based verification costs several times more.
 */
export class AccessTokenVerifier {
  private readonly resolve: (kid: string | undefined) => Promise<string>;
  /** One compiled verifier per signing key (fast-jwt parses the key once, not per token). */
  private readonly byKey = new Map<string, (token: string) => Claims>();

  constructor(private readonly options: AccessTokenVerifierOptions) {
    const store = options.keys
      ? null
      : new JwksKeyStore({ jwksUri: options.jwksUri ?? `${options.issuer.replace(/\/$/, '')}/jwks`, cooldownMs: options.jwksCooldownMs });
    this.resolve = options.keys ?? ((kid) => store!.keyFor(kid));
  }

  async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw new TokenRejected('MISSING', '缺少访问令牌 (access token missing)');
    const kid = keyIdOf(token);
    if (kid === null) throw new TokenRejected('MALFORMED', '访问令牌格式错误 (malformed access token)');
    let pem: string;
    try {
      pem = await this.resolve(kid);
    } catch {
      throw new TokenRejected('BAD_SIGNATURE', '访问令牌签名密钥未知 (unknown signing key)');
    }
    let check = this.byKey.get(pem);
    if (!check) {
      check = createVerifier({
        key: pem,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        allowedIss: this.options.issuer,
        allowedAud: this.options.audience,
        requiredClaims: ['exp', 'sub', 'client_id'],
        clockTolerance: (this.options.clockToleranceSeconds ?? 5) * 1000,
      }) as unknown as (token: string) => Claims;
      if (this.byKey.size > 32) this.byKey.clear();
      this.byKey.set(pem, check);
    }
    try {
      return toPrincipal(check(token));
    } catch (err) {
      throw rejection(err);
    }
  }
}

/** The `kid` of a compact JWS header; undefined when absent, null when the token is not a JWS. */
function keyIdOf(token: string): string | undefined | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return null;
  }
}

function rejection(err: unknown): TokenRejected {
  const code = err instanceof TokenError ? err.code : undefined;
  const message = (err as Error)?.message ?? '';
  switch (code) {
    case TokenError.codes.expired:
      return new TokenRejected('EXPIRED', '访问令牌已过期 (access token expired)');
    case TokenError.codes.invalidClaimValue:
      if (/\biss\b/.test(message)) return new TokenRejected('WRONG_ISSUER', '访问令牌签发方不符 (token from another issuer)');
      if (/\baud\b/.test(message)) return new TokenRejected('WRONG_AUDIENCE', '访问令牌不适用于本服务 (token for another audience)');
      return new TokenRejected('INVALID', '访问令牌声明无效 (invalid claim)');
    case TokenError.codes.invalidSignature:
    case TokenError.codes.keyFetchingError:
      return new TokenRejected('BAD_SIGNATURE', '访问令牌签名无效 (signature does not verify)');
    case TokenError.codes.malformed:
    case TokenError.codes.invalidAlgorithm:
    case TokenError.codes.invalidType:
    case TokenError.codes.missingSignature:
      return new TokenRejected('MALFORMED', '访问令牌格式错误 (malformed access token)');
    default:
      return new TokenRejected('INVALID', '访问令牌无效 (invalid access token)');
  }
}

function toPrincipal(payload: Claims): Principal {
  const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
  const acr = payload['acr'];
  const level = typeof acr === 'string' ? Number(/(\d)$/.exec(acr)?.[1]) : NaN;
  return {
    subject: String(payload.sub),
    clientId: String(payload['client_id']),
    scopes: scope.split(' ').filter(Boolean),
    assurance: Number.isInteger(level) && level >= 2 && level <= 5 ? (level as AssuranceLevel) : null,
    ...(typeof payload['dept'] === 'string' ? { department: payload['dept'] } : {}),
    ...(typeof payload['data_scope'] === 'string' ? { dataScope: payload['data_scope'] as DataScope } : {}),
    roles: strings(payload['roles']),
    permissions: strings(payload['perms']),
    claims: payload,
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : [];
}
