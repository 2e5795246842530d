import { AccessTokenInvalidError } from '../errors/auth.errors';
import type { ResolvedJwtOptions } from './jwt.options';
import type { JwtKey, SigningKeys } from './signing-keys';

const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);
/** Headers that would make a verifier fetch or trust a key named by the token itself; never honoured. */
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit'];
const MAX_HEADER_SEGMENT_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Accepted header segments remembered (tokens of one key share one header); bounded so input cannot grow it. */
const HEADER_CACHE_SIZE = 64;

/**
 * jsonwebtoken's verify options for one key (a subset of its `VerifyOptions`, spelled out here so the
 * library's declarations never name jsonwebtoken's types).
 */
export interface PinnedVerifyOptions {
  /** The key's one algorithm: never read from the token. */
  readonly algorithms: [JwtKey['algorithm']];
  readonly issuer: string;
  readonly audience: string;
  readonly clockTolerance: number;
}

/** A configured key with the jsonwebtoken options pinned to it (its one algorithm), built once. */
export interface PinnedKey {
  readonly key: JwtKey;
  readonly verifyOptions: Readonly<PinnedVerifyOptions>;
}

/**
 * Base64url without padding, in its one canonical form (RFC 4648 §3.5: the unused low bits of the last
 * character are zero). Node's decoder ignores those bits, so without this one signature would have
 * several token strings.
 */
export function isCanonicalBase64url(segment: string): boolean {
  if (!BASE64URL.test(segment)) return false;
  const unusedBits = [0, -1, 4, 2][segment.length % 4];
  return unusedBits === 0 || (unusedBits > 0 && (BASE64URL_ALPHABET.indexOf(segment[segment.length - 1]) & ((1 << unusedBits) - 1)) === 0);
}

/**
 * The configured verification keys by `kid`, each with jsonwebtoken's verify options pinned to its one algorithm,
 * and the choice of a token's key from its header: `typ` must be `at+jwt`, `kid` must name a configured key,
 * `alg` must be that key's algorithm, and headers that would name key material (`jku`, `jwk`, `x5u`...) are refused.
 */
export class AccessTokenKeys {
  private readonly pinnedKeys: ReadonlyMap<string, PinnedKey>;
  /** Header segments already accepted by `keyFor`, with their key: the check is a pure function of the segment. */
  private readonly acceptedHeaders = new Map<string, PinnedKey>();

  constructor(keys: SigningKeys, options: Pick<ResolvedJwtOptions, 'issuer' | 'audience' | 'clockToleranceSeconds'>) {
    const { issuer, audience, clockToleranceSeconds } = options;
    this.pinnedKeys = new Map(
      [...keys.verification].map(([kid, key]) => [
        kid,
        { key, verifyOptions: Object.freeze({ algorithms: [key.algorithm] as [JwtKey['algorithm']], issuer, audience, clockTolerance: clockToleranceSeconds }) },
      ]),
    );
  }

  /** Reads the header (never trusting it for key material) and picks the configured key by `kid`. */
  keyFor(segment: string): PinnedKey {
    const accepted = this.acceptedHeaders.get(segment);
    if (accepted) return accepted;
    if (segment.length > MAX_HEADER_SEGMENT_LENGTH) throw new AccessTokenInvalidError();
    const header = this.decodeSegment(segment);
    if (typeof header.typ !== 'string' || !ACCESS_TOKEN_TYPES.has(header.typ.toLowerCase())) throw new AccessTokenInvalidError();
    if (FORBIDDEN_HEADERS.some((name) => Object.prototype.hasOwnProperty.call(header, name))) throw new AccessTokenInvalidError();
    const kid = header.kid;
    const key = typeof kid === 'string' ? this.pinnedKeys.get(kid) : undefined;
    if (!key || header.alg !== key.key.algorithm) throw new AccessTokenInvalidError();
    if (this.acceptedHeaders.size < HEADER_CACHE_SIZE) this.acceptedHeaders.set(segment, key);
    return key;
  }

  private decodeSegment(segment: string): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    } catch {
      throw new AccessTokenInvalidError();
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AccessTokenInvalidError();
    return value as Record<string, unknown>;
  }

}
