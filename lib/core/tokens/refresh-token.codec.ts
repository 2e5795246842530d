import { createHmac, hash, hkdfSync, randomBytes } from 'node:crypto';
import { RefreshTokenInvalidError } from '../errors/auth.errors';
import { constantTimeEqual } from './constant-time';
import type { IssuedRefreshToken, ParsedRefreshToken } from './token.types';

/**
 * The one definition of the refresh-token format (v2):
 *
 *     <base64url(userId)>.<sessionId>.<secret>.<mac>
 *
 * - sessionId: 16 random bytes (22 base64url characters), the session's id in the store.
 * - secret: 32 bytes (43 characters): random for a new session; for every later token derived from the
 *   previous token with the server key (`next`), so the duplicates of one refresh request (two tabs, a retry
 *   after a lost response or a 503) all compute the SAME next token, and the store can answer them alike.
 * - mac: the first 16 bytes (22 characters) of HMAC-SHA256(mac key, `<user>.<sessionId>.<secret>`), the mac key
 *   derived from the server key. A token whose MAC does not verify was not issued by this server (a forged
 *   secret for a session id read from an access token): it is `refresh_token_invalid` and touches nothing,
 *   while a genuine old token still reaches the store and is detected as reuse.
 *
 * The MAC covers the token's exact text and is compared as text, so each token has one spelling (no
 * non-canonical base64url variants). The store sees only `secretHash` (SHA-256 of the secret); the next secret
 * is derived from that full hash, of which Redis keeps only a 128-bit prefix, and the server key.
 */

/** Bytes of the server key (after derivation); an explicit `refreshTokenKey` must have at least this many. */
export const REFRESH_TOKEN_KEY_MIN_BYTES = 32;
const SESSION_ID_BYTES = 16;
const SECRET_BYTES = 32;
const MAC_BYTES = 16;
const SESSION_ID_LENGTH = 22;
const SECRET_LENGTH = 43;
const MAC_LENGTH = 22;
/** base64url of a 256-byte user id. */
const MAX_USER_PART_LENGTH = 344;
const MAX_TOKEN_LENGTH = MAX_USER_PART_LENGTH + SESSION_ID_LENGTH + SECRET_LENGTH + MAC_LENGTH + 3;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The server key for refresh tokens from the HS secret of the access tokens: HKDF-SHA256 with its own salt and
 * info, so the key is unrelated to the JWT key while every instance that shares the secret derives the same one.
 */
export function deriveRefreshTokenKey(hsSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', hsSecret, 'nestjs-authkit', 'refresh-token server key v1', 32));
}

/** SHA-256, base64url. One-shot `crypto.hash` (Node >= 20.12): no `Hash` object per call, a third of the CPU time. */
function sha256(text: string): string {
  return hash('sha256', text, 'base64url');
}

/**
 * Mints, parses and chains refresh tokens under one server key. Pure functions of the key and the input
 * (`issue` adds randomness); nothing here touches a store.
 */
export class RefreshTokenCodec {
  private readonly macKey: Buffer;
  private readonly nextKey: Buffer;

  constructor(serverKey: Buffer) {
    if (serverKey.length < REFRESH_TOKEN_KEY_MIN_BYTES) throw new TypeError('nestjs-authkit: the refresh-token key is too short');
    this.macKey = Buffer.from(hkdfSync('sha256', serverKey, '', 'authkit refresh token mac', 32));
    this.nextKey = Buffer.from(hkdfSync('sha256', serverKey, '', 'authkit refresh token next secret', 32));
  }

  /** The first token of a new session: a fresh session id and a random secret. */
  issue(userId: string): IssuedRefreshToken {
    const userPart = encodeUserId(userId);
    return this.token(userId, userPart, randomBytes(SESSION_ID_BYTES).toString('base64url'), randomBytes(SECRET_BYTES).toString('base64url'));
  }

  /**
   * The token that replaces `current` (same session): its secret is derived from `current.secretHash` with the
   * server key, so every duplicate of one refresh computes the same token.
   */
  next(current: ParsedRefreshToken): IssuedRefreshToken {
    const userPart = encodeUserId(current.userId);
    const secret = createHmac('sha256', this.nextKey)
      .update(`${userPart}.${current.sessionId}.${current.secretHash}`)
      .digest()
      .subarray(0, SECRET_BYTES)
      .toString('base64url');
    return this.token(current.userId, userPart, current.sessionId, secret);
  }

  /**
   * Checks the format and the MAC and returns user id, session id and the hash of the secret. Anything else,
   * including a genuine-looking token with a wrong MAC, is `RefreshTokenInvalidError`.
   */
  parse(token: unknown): ParsedRefreshToken {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new RefreshTokenInvalidError();
    const parts = token.split('.');
    if (parts.length !== 4) throw new RefreshTokenInvalidError();
    const [userPart, sessionId, secret, mac] = parts;
    if (
      !userPart || userPart.length > MAX_USER_PART_LENGTH || sessionId.length !== SESSION_ID_LENGTH ||
      secret.length !== SECRET_LENGTH || mac.length !== MAC_LENGTH ||
      !BASE64URL.test(userPart) || !BASE64URL.test(sessionId) || !BASE64URL.test(secret) || !BASE64URL.test(mac)
    ) {
      throw new RefreshTokenInvalidError();
    }
    // Constant time; both are 22 ASCII characters.
    if (!constantTimeEqual(mac, this.mac(userPart, sessionId, secret))) throw new RefreshTokenInvalidError();
    const userId = Buffer.from(userPart, 'base64url').toString('utf8');
    if (!userId || Buffer.byteLength(userId) > 256 || Buffer.from(userId, 'utf8').toString('base64url') !== userPart) {
      throw new RefreshTokenInvalidError();
    }
    return { userId, sessionId, secretHash: sha256(secret) };
  }

  private token(userId: string, userPart: string, sessionId: string, secret: string): IssuedRefreshToken {
    const refreshToken = `${userPart}.${sessionId}.${secret}.${this.mac(userPart, sessionId, secret)}`;
    return { refreshToken, userId, sessionId, secretHash: sha256(secret) };
  }

  private mac(userPart: string, sessionId: string, secret: string): string {
    return createHmac('sha256', this.macKey).update(`${userPart}.${sessionId}.${secret}`).digest().subarray(0, MAC_BYTES).toString('base64url');
  }
}

function encodeUserId(userId: string): string {
  if (typeof userId !== 'string' || !userId || Buffer.byteLength(userId) > 256) {
    throw new TypeError('nestjs-authkit: user ids must be non-empty strings of at most 256 bytes');
  }
  return Buffer.from(userId, 'utf8').toString('base64url');
}
