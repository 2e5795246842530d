/**
 * Port of what back-channel logout needs to remember: which sessions each provider sign-in opened (with the
 * provider's session id, `sid`), the provider's `sid` of a sign-in between its id_token and its session, and the
 * logout tokens already used. `RedisOidcLogoutStore` and `MemoryOidcLogoutStore` are the adapters (the contract
 * suite in test/features/oidc runs on both).
 */
export interface OidcLogoutStore {
  /** The id_token of `sub` carried `sid`: kept for `ttlMs`, until its session is recorded (`addSession`). */
  rememberSid(provider: string, sub: string, sid: string, ttlMs: number): Promise<void>;
  /** The `sid` remembered for `sub` (taken: removed), or null. */
  takeSid(provider: string, sub: string): Promise<string | null>;
  /** Session `sessionId` of `userId` was opened by a sign-in through `provider` (with its `sid`, if any); kept for `ttlMs`. */
  addSession(provider: string, userId: string, sessionId: string, sid: string | null, ttlMs: number): Promise<void>;
  /** The user whose session came with `sid`, or null. */
  userOfSid(provider: string, sid: string): Promise<string | null>;
  /**
   * Removes and returns the recorded sessions of `userId` through `provider`: all, or those of `sid` and those whose
   * sid is unknown (recorded without one: ending them fails closed). Atomic.
   */
  takeSessions(provider: string, userId: string, sid?: string): Promise<string[]>;
  /** True the first time a logout token id is seen (kept `ttlMs`); false for a replay. */
  claimJti(provider: string, jti: string, ttlMs: number): Promise<boolean>;
}

/** Injection token of the `OidcLogoutStore` port. */
export const OidcLogoutStore = Symbol('OidcLogoutStore');
