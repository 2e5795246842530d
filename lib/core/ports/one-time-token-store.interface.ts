import type { OneTimeTokenKind } from '../tokens/one-time-token';

/** A token to remember: one per user and kind (a new one replaces the previous one). */
export interface IssueOneTimeTokenInput {
  kind: OneTimeTokenKind;
  userId: string;
  /** Hash of the token's secret; the token itself is never stored. */
  hash: string;
  /** What the token is bound to (the user's credential stamp); handed back by `consume`. */
  binding: string;
  ttlMs: number;
}

/** A presented token. */
export interface ConsumeOneTimeTokenInput {
  kind: OneTimeTokenKind;
  userId: string;
  hash: string;
}

/**
 * Port for one-time tokens (password reset, email verification). `verify` checks a token without using it (a
 * route answers `token_invalid` before it says anything about the user or does any costly work); `consume` is atomic: of concurrent calls
 * with one token, exactly one gets the binding, and the token is gone afterwards. Expired, replaced and
 * unknown tokens all give `null`. Default: `RedisOneTimeTokenStore` (one Lua script per call), or
 * `MemoryOneTimeTokenStore` without Redis.
 */
export interface OneTimeTokenStore {
  /** Stores the token, replacing (invalidating) the user's previous token of this kind. */
  issue(input: IssueOneTimeTokenInput): Promise<void>;
  /** Returns the token's binding if it matches and has not expired, leaving it usable; else `null`. Changes nothing. */
  verify(input: ConsumeOneTimeTokenInput): Promise<{ binding: string } | null>;
  /** Deletes the token and returns its binding, if it matched and had not expired; else `null` (and nothing changes). */
  consume(input: ConsumeOneTimeTokenInput): Promise<{ binding: string } | null>;
  /** Forgets the user's token of this kind (e.g. when the account is deleted). */
  revoke(kind: OneTimeTokenKind, userId: string): Promise<void>;
}

/** Injection token for the `OneTimeTokenStore` port. */
export const OneTimeTokenStore = Symbol('OneTimeTokenStore');
