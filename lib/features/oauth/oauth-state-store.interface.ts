import { OAUTH_SOURCE_NAME_PATTERN } from './passport-oauth.options';

/** A pending authorization, kept server-side between the redirect to the provider and its callback. */
export interface OAuthStateRecord {
  /** The source's name. */
  provider: string;
  /** PKCE code verifier sent with the token request. */
  codeVerifier: string;
  /** SHA-256 of the secret in the browser's state-binding cookie. */
  bindingHash: string;
  /** `'login'` starts a session; `'link'` adds the identity to the signed-in user of `userId`/`sessionId`. */
  purpose: 'login' | 'link';
  userId?: string;
  sessionId?: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

/**
 * Port for pending authorizations: `state` -> record, with a TTL, single use. `RedisOAuthStateStore`
 * (GETDEL) and `MemoryOAuthStateStore` are the adapters.
 */
export interface OAuthStateStore {
  /** Keeps the record for `ttlMs`. */
  save(state: string, record: OAuthStateRecord, ttlMs: number): Promise<void>;
  /** Returns the record and deletes it in one atomic step; `null` when unknown, expired or already consumed. */
  consume(state: string): Promise<OAuthStateRecord | null>;
}

/** Injection token for the `OAuthStateStore` port. */
export const OAuthStateStore = Symbol('OAuthStateStore');

/** Parses a stored record; anything malformed is treated as absent. */
export function parseOAuthStateRecord(raw: string | null | undefined): OAuthStateRecord | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<OAuthStateRecord>;
    if (
      !value || typeof value !== 'object' || typeof value.provider !== 'string' || !OAUTH_SOURCE_NAME_PATTERN.test(value.provider) ||
      typeof value.codeVerifier !== 'string' || typeof value.bindingHash !== 'string' ||
      (value.purpose !== 'login' && value.purpose !== 'link') || typeof value.createdAt !== 'number'
    ) {
      return null;
    }
    if (value.purpose === 'link' && (typeof value.userId !== 'string' || typeof value.sessionId !== 'string')) return null;
    return value as OAuthStateRecord;
  } catch {
    return null;
  }
}
