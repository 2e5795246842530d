import { createHash, randomBytes } from 'node:crypto';

const SECRET_BYTES = 32;
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{1,700})\.([A-Za-z0-9_-]{43})$/;

/**
 * An MFA token: `<base64url(userId)>.<256 random bits>`. The user id lets the store find the challenge in the
 * user's slot; only the SHA-256 of the whole token is stored, so the store's content signs no one in.
 */
export function newMfaToken(userId: string): { token: string; hash: string } {
  const token = `${Buffer.from(userId, 'utf8').toString('base64url')}.${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

/** The user id and hash of a presented token, or null when it cannot be one. */
export function parseMfaToken(token: unknown): { userId: string; hash: string } | null {
  if (typeof token !== 'string') return null;
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const userId = Buffer.from(match[1], 'base64url').toString('utf8');
  if (userId === '' || Buffer.from(userId, 'utf8').toString('base64url') !== match[1]) return null;
  return { userId, hash: sha256(token) };
}

/** SHA-256, hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The client binding of a challenge: the SHA-256 of its user agent. */
export function clientHash(userAgent: string | undefined): string {
  return sha256(`ua:${userAgent ?? ''}`);
}
