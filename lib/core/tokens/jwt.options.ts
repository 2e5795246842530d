import type { KeyObject } from 'node:crypto';
import { failOption, nonNegativeNumber, type OptionKeys, ownedObject, positiveInteger, rejectUnknownKeys } from '../options/options.validation';
import { REFRESH_TOKEN_KEY_MIN_BYTES } from './refresh-token.codec';

/**
 * Algorithms accepted for access tokens: those of jsonwebtoken 9. `none` is never
 * accepted; `EdDSA` is refused at start-up (jsonwebtoken 9 has no EdDSA).
 */
export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
] as const;

/** Why `EdDSA` is refused (the message of the start-up `TypeError`). */
export const EDDSA_UNSUPPORTED =
  'cannot be EdDSA: access tokens are signed and verified by jsonwebtoken 9, which has no EdDSA; use ES256 (or RS256 / PS256)';
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Key material: a PEM/raw string or Buffer, or a Node `KeyObject` (preferred; created once). */
export type KeyInput = string | Buffer | KeyObject;

/** A key accepted for verification only (the previous key during a rotation). */
export interface VerificationKeyOptions {
  keyId: string;
  algorithm: JwtAlgorithm;
  /** HS* secret, or the public key of an asymmetric algorithm. */
  key: KeyInput;
}

/** The `jwt` option: how access tokens are signed and checked. */
export interface JwtOptions {
  /** Signing algorithm. Default `HS256`. */
  algorithm?: JwtAlgorithm;
  /** HS* secret, at least 32 bytes (HS384: 48, HS512: 64). */
  secret?: KeyInput;
  /** Private key for RS*, PS*, ES*. */
  privateKey?: KeyInput;
  /** Public key for RS*, PS*, ES*; derived from `privateKey` when omitted. */
  publicKey?: KeyInput;
  /** `kid` header of issued tokens. Default: a fingerprint of the key. */
  keyId?: string;
  /** Keys that still verify but no longer sign (key rotation). */
  verificationKeys?: VerificationKeyOptions[];
  /** `iss` claim. Default `nestjs-authkit`. */
  issuer?: string;
  /** `aud` claim. Default `nestjs-authkit`. */
  audience?: string;
  /** Tolerance for `exp`/`nbf`/`iat` checks. Default 5. */
  clockToleranceSeconds?: number;
}

/** The module options the tokens feature owns. */
export interface TokenOptions {
  jwt: JwtOptions;
  /** Access token lifetime. Default 900 (15 min). */
  accessTokenTtlSeconds?: number;
  /**
   * Server key of the refresh tokens' MAC and of the derivation of each next token (at least 32 bytes; the
   * same on every instance). Default: derived (HKDF) from `jwt.secret`; REQUIRED when the JWT algorithm is
   * asymmetric (RS*, PS*, ES*). Set it explicitly to rotate `jwt.secret` without signing everyone out:
   * changing this key makes every refresh token `refresh_token_invalid`.
   */
  refreshTokenKey?: string | Buffer;
}

/** The tokens feature's options after defaults and validation (what `TokenService` injects as `JWT_OPTIONS`). */
export interface ResolvedJwtOptions extends JwtOptions {
  algorithm: JwtAlgorithm;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  accessTokenTtlSeconds: number;
  refreshTokenKey?: Buffer;
}

/** Injection token of `ResolvedJwtOptions`. */
export const JWT_OPTIONS = Symbol('authkit:jwt-options');

/** The top-level options the tokens own. */
export const TOKEN_OPTION_KEYS: OptionKeys<TokenOptions> = { jwt: true, accessTokenTtlSeconds: true, refreshTokenKey: true };
const JWT_KEYS: OptionKeys<JwtOptions> = {
  algorithm: true, secret: true, privateKey: true, publicKey: true, keyId: true, verificationKeys: true, issuer: true, audience: true,
  clockToleranceSeconds: true,
};
const VERIFICATION_KEY_KEYS: OptionKeys<VerificationKeyOptions> = { keyId: true, algorithm: true, key: true };

/** Applies defaults to the token options and validates them (key material is checked by `createSigningKeys`). */
export function resolveJwtOptions(options: TokenOptions): ResolvedJwtOptions {
  const jwt = options.jwt;
  if (!jwt || typeof jwt !== 'object') failOption('jwt', 'is required (at least { secret })');
  ownedObject(jwt, 'jwt', JWT_KEYS);
  if (Array.isArray(jwt.verificationKeys)) {
    jwt.verificationKeys.forEach((entry, index) => rejectUnknownKeys(entry, `jwt.verificationKeys[${index}]`, VERIFICATION_KEY_KEYS));
  }
  const algorithm = jwt.algorithm ?? 'HS256';
  if ((algorithm as string) === 'EdDSA') failOption('jwt.algorithm', EDDSA_UNSUPPORTED);
  if (!(JWT_ALGORITHMS as readonly string[]).includes(algorithm)) {
    failOption('jwt.algorithm', `must be one of ${JWT_ALGORITHMS.join(', ')} (got ${JSON.stringify(algorithm)})`);
  }
  let refreshTokenKey: Buffer | undefined;
  if (options.refreshTokenKey !== undefined) {
    const key = options.refreshTokenKey;
    if (typeof key !== 'string' && !Buffer.isBuffer(key)) failOption('refreshTokenKey', 'must be a string or a Buffer');
    refreshTokenKey = Buffer.isBuffer(key) ? Buffer.from(key) : Buffer.from(key, 'utf8');
    if (refreshTokenKey.length < REFRESH_TOKEN_KEY_MIN_BYTES) failOption('refreshTokenKey', `must be at least ${REFRESH_TOKEN_KEY_MIN_BYTES} bytes`);
  }
  return {
    ...jwt,
    refreshTokenKey,
    algorithm,
    issuer: jwt.issuer ?? 'nestjs-authkit',
    audience: jwt.audience ?? 'nestjs-authkit',
    clockToleranceSeconds: nonNegativeNumber(jwt.clockToleranceSeconds, 'jwt.clockToleranceSeconds', 5),
    accessTokenTtlSeconds: positiveInteger(options.accessTokenTtlSeconds, 'accessTokenTtlSeconds', 15 * 60),
  };
}
