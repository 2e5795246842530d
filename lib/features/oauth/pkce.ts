import { createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../core/tokens/constant-time';

/** 32 random bytes, base64url (43 characters, 256 bits): states, PKCE verifiers, cookie binding secrets. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The shape of every value made by `randomToken`; anything else is refused before it reaches a store. */
export const RANDOM_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** PKCE `code_challenge` for `code_challenge_method=S256` (RFC 7636): base64url(SHA-256(verifier)). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** SHA-256, base64url: how the state-binding cookie value is kept server-side. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Constant-time equality of two strings (`constantTimeEqual`). */
export const safeEqual: (a: string, b: string) => boolean = constantTimeEqual;
