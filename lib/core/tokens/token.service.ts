import { hkdfSync, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { sign as signJwt, verify as verifyJwt, type SignOptions } from 'jsonwebtoken';
import { AccessTokenExpiredError, AccessTokenInvalidError } from '../errors/auth.errors';
import { failOption } from '../options/options.validation';
import { JWT_OPTIONS, type ResolvedJwtOptions } from './jwt.options';
import { deriveRefreshTokenKey, RefreshTokenCodec } from './refresh-token.codec';
import { createSigningKeys, type JwtKey, type SigningKeys } from './signing-keys';
import { appClaimsOf } from './app-claims';
import { AccessTokenKeys, isCanonicalBase64url } from './access-token-keys';
import type { AccessTokenClaims, IssuedAccessToken, IssuedRefreshToken, JsonWebKeySet, ParsedRefreshToken } from './token.types';

const MAX_ACCESS_TOKEN_LENGTH = 8192;
/** Tokens whose signature was verified, remembered: a client sends the same token until it expires. */
const VERIFIED_TOKENS_SIZE = 1024;

/** A token whose signature and fixed claims verified, as decoded once; frozen. */
export interface VerifiedAccessToken {
  /** The exact token string. */
  readonly token: string;
  readonly claims: Readonly<AccessTokenClaims>;
  /** The string entries of `roles`. */
  readonly roles: readonly string[];
  readonly exp: number;
  readonly nbf?: number;
  readonly iat?: number;
  /** The `email` claim, when the token has one. */
  readonly email?: string;
  /** The app's claims (everything outside the reserved names), frozen; `{}` when none. */
  readonly appClaims: Readonly<Record<string, unknown>>;
  /** The string entries of `amr`; `[]` when the token has none. */
  readonly amr: readonly string[];
  /** `auth_time` in epoch ms, when the token has one. */
  readonly authTime?: number;
  /** `cv`, the claims version its session claims were read under (`SessionVersions`), when the token has one. */
  readonly claimsVersion?: number;
}

/**
 * Signs and verifies access JWTs and mints and parses opaque refresh tokens.
 *
 * JWTs are signed and verified by jsonwebtoken 9 (CommonJS; no Nest major to follow); this service owns the
 * key ring and the rules around it: keys are `KeyObject`s created once (so a verify costs microseconds, not
 * a PEM parse), the key is picked by the header's `kid` (`AccessTokenKeys`), every verify pins `algorithms`
 * to that key's one algorithm (never read from the token), and the `at+jwt` type, header and claim rules are
 * checked here. Verified tokens are remembered, so a client's next requests cost about a microsecond.
 *
 * @example
 * ```ts
 * const { accessToken } = tokens.signAccessToken({ userId: 'u1', sessionId: 's1', roles: ['user'] });
 * const claims = tokens.verifyAccessToken(accessToken); // throws AccessTokenInvalidError / AccessTokenExpiredError
 * ```
 */
@Injectable()
export class TokenService {
  private readonly keys: SigningKeys;
  /** Picks the configured key of a token's header. */
  private readonly headers: AccessTokenKeys;
  /** jsonwebtoken's sign options, built once: the signing key's algorithm, `typ` `at+jwt` and its `kid`. */
  private readonly signOptions: Readonly<SignOptions>;
  /**
   * Tokens whose header, signature and fixed claims verified, with their decoded payload, so a client's
   * next requests skip that work; the time-dependent claims (`exp` above all) are checked on every call.
   * Keyed by the signature segment (43 to 86 characters: cheaper to hash than the whole token) and
   * matched against the whole token string. Only tokens with a valid signature enter (so input cannot
   * fill it); the oldest leave first. Entries are frozen; `verifyAccessToken` hands out copies.
   */
  private readonly verifiedTokens = new Map<string, VerifiedAccessToken>();
  /** The refresh-token format under the server key (`refreshTokenKey`, or derived from the HS secret). */
  private readonly refreshTokens: RefreshTokenCodec;
  /** The key of the security log's email pseudonyms (`emailLogHash`): derived from the server key, never the key itself. */
  readonly logPseudonymKey: Buffer;

  constructor(@Inject(JWT_OPTIONS) private readonly options: ResolvedJwtOptions) {
    this.keys = createSigningKeys(options);
    this.headers = new AccessTokenKeys(this.keys, options);
    const { signing } = this.keys;
    this.signOptions = Object.freeze({ algorithm: signing.algorithm, header: Object.freeze({ alg: signing.algorithm, typ: 'at+jwt', kid: signing.keyId }) });
    this.selfTest();
    const serverKey = this.refreshTokenKey();
    this.refreshTokens = new RefreshTokenCodec(serverKey);
    this.logPseudonymKey = Buffer.from(hkdfSync('sha256', serverKey, '', 'authkit security log email pseudonym v1', 32));
  }

  /**
   * Signs an access token. `email`, the session's `amr` and `authTime` (epoch ms, as the `auth_time` claim in
   * seconds), the claims version (`cv`, see `SessionVersions`) and the app's `claims` (checked by the caller against
   * the reserved names, see `checkAppClaims`) are added when given; the reserved claims always win.
   */
  signAccessToken(subject: {
    userId: string; sessionId: string; roles: readonly string[]; email?: string | null; claims?: Readonly<Record<string, unknown>>;
    amr?: readonly string[]; authTime?: number; claimsVersion?: number;
  }): IssuedAccessToken {
    const ttl = this.options.accessTokenTtlSeconds;
    const iat = Math.floor(Date.now() / 1000);
    const payload = {
      ...subject.claims,
      ...(subject.email ? { email: subject.email } : {}),
      ...(subject.amr ? { amr: [...subject.amr] } : {}),
      ...(subject.authTime !== undefined ? { auth_time: Math.floor(subject.authTime / 1000) } : {}),
      ...(subject.claimsVersion !== undefined ? { cv: subject.claimsVersion } : {}),
      sub: subject.userId,
      sid: subject.sessionId,
      roles: [...subject.roles],
      iat,
      exp: iat + ttl,
      iss: this.options.issuer,
      aud: this.options.audience,
      jti: randomUUID(),
    };
    return { accessToken: signJwt(payload, this.keys.signing.key, this.signOptions), expiresInSeconds: ttl };
  }

  /**
   * Verifies an access token: `typ` must be `at+jwt`, `kid` must name a configured key and `alg` must be
   * that key's algorithm; then signature, `iss`, `aud`, `exp` (required), `nbf` and `iat` (with the clock
   * tolerance); `sub` and `sid` are required. Throws `AccessTokenInvalidError` or `AccessTokenExpiredError`.
   */
  verifyAccessToken(token: unknown): AccessTokenClaims {
    const verified = this.verifiedAccessToken(token);
    // Spread, not `slice()`: slicing a frozen array takes V8's generic path (~1 us instead of ~30 ns).
    return { ...verified.claims, roles: [...verified.roles] };
  }

  /**
   * `verifyAccessToken` without the copy: the frozen, remembered result. For the library's guards, which
   * read a few fields per request; prefer `verifyAccessToken`.
   * @internal
   */
  verifiedAccessToken(token: unknown): VerifiedAccessToken {
    if (typeof token !== 'string' || token.length > MAX_ACCESS_TOKEN_LENGTH) throw new AccessTokenInvalidError();
    const known = this.verifiedTokens.get(token.slice(token.lastIndexOf('.') + 1));
    const verified = known?.token === token ? known : this.verifySignature(token);
    // The time-dependent checks, on every call; the rest is fixed for a given token (see verifySignature).
    const now = Date.now() / 1000;
    const tolerance = this.options.clockToleranceSeconds;
    if ((verified.nbf !== undefined && verified.nbf > now + tolerance) || (verified.iat !== undefined && verified.iat > now + tolerance)) {
      throw new AccessTokenInvalidError();
    }
    if (verified.exp <= now - tolerance) throw new AccessTokenExpiredError();
    return verified;
  }

  /**
   * Checks the encoding and header, has jsonwebtoken check the signature (with the key of the `kid`, its
   * algorithm pinned), `exp` and `nbf`, `iss` and `aud`, then checks the claims that do not depend on the time
   * (`sub`, `sid`, `iss`, `aud`, and the types of `exp`, `nbf`, `iat`); remembers the result (see
   * `verifiedTokens`). Throws `AccessTokenInvalidError` or `AccessTokenExpiredError`, never the
   * underlying library's errors (their messages stay out of responses).
   */
  private verifySignature(token: string): VerifiedAccessToken {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every(isCanonicalBase64url)) throw new AccessTokenInvalidError();
    const { key, verifyOptions } = this.headers.keyFor(parts[0]);
    let decoded: unknown;
    try {
      decoded = verifyJwt(token, key.key, verifyOptions);
    } catch (error) {
      throw (error as Error | undefined)?.name === 'TokenExpiredError' ? new AccessTokenExpiredError() : new AccessTokenInvalidError();
    }
    if (!decoded || typeof decoded !== 'object' || Array.isArray(decoded)) throw new AccessTokenInvalidError();
    const claims = decoded as Partial<AccessTokenClaims> & { nbf?: unknown };
    if (
      typeof claims.sub !== 'string' || !claims.sub ||
      typeof claims.sid !== 'string' || !claims.sid ||
      typeof claims.exp !== 'number' ||
      claims.iss !== this.options.issuer ||
      !this.audienceMatches(claims.aud) ||
      (claims.nbf !== undefined && typeof claims.nbf !== 'number') ||
      (claims.iat !== undefined && typeof claims.iat !== 'number') ||
      (claims.auth_time !== undefined && typeof claims.auth_time !== 'number') ||
      (claims.cv !== undefined && !Number.isSafeInteger(claims.cv))
    ) {
      throw new AccessTokenInvalidError();
    }
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    const verified: VerifiedAccessToken = Object.freeze({
      token,
      claims: Object.freeze(claims as AccessTokenClaims),
      roles: Object.freeze(roles),
      exp: claims.exp,
      nbf: claims.nbf as number | undefined,
      iat: claims.iat,
      email: typeof (claims as { email?: unknown }).email === 'string' ? (claims as { email: string }).email : undefined,
      appClaims: appClaimsOf(claims as Record<string, unknown>),
      amr: Object.freeze(Array.isArray(claims.amr) ? claims.amr.filter((r): r is string => typeof r === 'string') : []),
      authTime: claims.auth_time === undefined ? undefined : claims.auth_time * 1000,
      claimsVersion: claims.cv,
    });
    if (this.verifiedTokens.size >= VERIFIED_TOKENS_SIZE) {
      this.verifiedTokens.delete(this.verifiedTokens.keys().next().value as string);
    }
    this.verifiedTokens.set(parts[2], verified);
    return verified;
  }

  /** Mints the first refresh token of a new session (a new session id, a random secret). */
  createRefreshToken(userId: string): IssuedRefreshToken {
    return this.refreshTokens.issue(userId);
  }

  /**
   * The refresh token that replaces `current` in its session: derived from it with the server key, so it is
   * the same for every duplicate of one refresh request (see `refresh-token.codec.ts`).
   */
  nextRefreshToken(current: ParsedRefreshToken): IssuedRefreshToken {
    return this.refreshTokens.next(current);
  }

  /**
   * Checks a refresh token's format and MAC and splits it into user id, session id and the hash of its
   * secret. Throws `RefreshTokenInvalidError` for anything this server did not issue.
   */
  parseRefreshToken(token: unknown): ParsedRefreshToken {
    return this.refreshTokens.parse(token);
  }

  /**
   * The configured key that may verify `token`, chosen from its header exactly as `verifyAccessToken`
   * chooses it (`typ` must be `at+jwt`, `kid` must name a configured key, `alg` must be that key's
   * algorithm). Does NOT check the signature or claims: for plugging the library's `KeyObject`s
   * into another verifier (see `AuthkitJwtStrategy`). Throws `AccessTokenInvalidError`.
   */
  verificationKeyFor(token: string): JwtKey {
    if (typeof token !== 'string' || token.length > MAX_ACCESS_TOKEN_LENGTH) throw new AccessTokenInvalidError();
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every(isCanonicalBase64url)) throw new AccessTokenInvalidError();
    return this.headers.keyFor(parts[0]).key;
  }

  /** The public keys as a JWKS document (empty for HS* algorithms, whose keys are secret). */
  getJwks(): JsonWebKeySet {
    const keys: JsonWebKeySet['keys'] = [];
    for (const key of this.keys.verification.values()) {
      if (key.key.type !== 'public') continue;
      keys.push({ ...key.key.export({ format: 'jwk' }), kid: key.keyId, alg: key.algorithm, use: 'sig' });
    }
    return { keys };
  }

  /** `refreshTokenKey`, or a key derived from the HS signing secret; asymmetric JWT keys need the option. */
  private refreshTokenKey(): Buffer {
    if (this.options.refreshTokenKey) return this.options.refreshTokenKey;
    const { signing } = this.keys;
    if (!signing.algorithm.startsWith('HS')) {
      failOption('refreshTokenKey', `is required with ${signing.algorithm} access tokens: a secret of at least 32 bytes, the same on every instance (it keys the refresh tokens' MAC)`);
    }
    return deriveRefreshTokenKey(signing.key.export());
  }

  /**
   * Signs a token and verifies it through jsonwebtoken, once, so a key jsonwebtoken refuses (or a
   * `jwt.publicKey` that is not the private key's) stops the start-up instead of failing every login.
   */
  private selfTest(): void {
    const { signing } = this.keys;
    const signOption = signing.algorithm.startsWith('HS') ? 'jwt.secret' : 'jwt.privateKey';
    let token: string;
    try {
      const { issuer: iss, audience: aud } = this.options;
      token = signJwt({ sub: 'self-test', sid: 'self-test', exp: Math.floor(Date.now() / 1000) + 60, iss, aud }, signing.key, this.signOptions);
    } catch (cause) {
      throw new TypeError(`nestjs-authkit: option "${signOption}" cannot sign ${signing.algorithm} tokens with jsonwebtoken`, { cause });
    }
    try {
      const { key, verifyOptions } = this.headers.keyFor(token.slice(0, token.indexOf('.')));
      verifyJwt(token, key.key, verifyOptions);
    } catch (cause) {
      const option = signing.key === signing.verifyKey || this.options.publicKey === undefined ? signOption : 'jwt.publicKey';
      throw new TypeError(`nestjs-authkit: option "${option}" does not verify the tokens it signs (${signing.algorithm})`, { cause });
    }
  }

  private audienceMatches(aud: unknown): boolean {
    const expected = this.options.audience;
    return aud === expected || (Array.isArray(aud) && aud.includes(expected));
  }
}
