import { createHash, randomBytes } from 'node:crypto';
import { checkKindName } from '../feature/feature-registry';
import { constantTimeEqual } from './constant-time';

/**
 * The purpose of a one-time token (snake_case: `password_reset`, `email_verification`...): declared by the feature
 * that issues it (`AuthFeatureParts.oneTimeTokenKinds`); a token of one kind is never accepted for another.
 */
export type OneTimeTokenKind = string;

const SECRET_BYTES = 32;
const SECRET_LENGTH = 43;
const MAX_USER_PART = 344;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A freshly minted token: `token` goes to the user (in a mail), only `hash` is stored. */
export interface MintedOneTimeToken {
  token: string;
  userId: string;
  hash: string;
}

/** What a presented token says; `hash` is compared with the stored one. */
export interface ParsedOneTimeToken {
  userId: string;
  hash: string;
}

/** SHA-256 (base64url) of a token's secret, bound to its kind. */
function hashSecret(kind: OneTimeTokenKind, secret: string): string {
  return createHash('sha256').update(`${kind}\n${secret}`).digest('base64url');
}

/**
 * One-time tokens: `<base64url(userId)>.<256-bit random secret>`. The user id tells the store which record
 * to check (one key per user and kind, so a consume is one single-slot script); only a hash of the secret is
 * ever stored.
 */
export function mintOneTimeToken(kind: OneTimeTokenKind, userId: string): MintedOneTimeToken {
  checkKindName(kind, 'one-time token kind');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { token: `${Buffer.from(userId, 'utf8').toString('base64url')}.${secret}`, userId, hash: hashSecret(kind, secret) };
}

/** Parses a presented token; `null` for anything malformed (never throws). */
export function parseOneTimeToken(kind: OneTimeTokenKind, token: unknown): ParsedOneTimeToken | null {
  if (typeof token !== 'string' || token.length > MAX_USER_PART + 1 + SECRET_LENGTH) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const userPart = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!BASE64URL.test(userPart) || secret.length !== SECRET_LENGTH || !BASE64URL.test(secret)) return null;
  const userId = Buffer.from(userPart, 'base64url').toString('utf8');
  if (!userId || Buffer.from(userId, 'utf8').toString('base64url') !== userPart) return null;
  return { userId, hash: hashSecret(kind, secret) };
}

/** Constant-time comparison of two hashes (`constantTimeEqual`). */
export const sameHash: (a: string, b: string) => boolean = constantTimeEqual;
