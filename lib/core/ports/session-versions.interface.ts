/** What `SessionVersions.check` finds: the session live at that version, gone, or live at another version. */
export type SessionVersionCheck = 'live' | 'absent' | 'stale';

/**
 * Per-user claims versions, kept beside the sessions so that the guard's ONE session check also checks them. An
 * access token may carry claims that change without a new sign-in (an organization's roles, `SESSION_CLAIMS`); it
 * then also carries the user's claims version (`cv`) as read when it was signed. Whoever changes what those claims
 * say bumps the version; from the next request on, a token with another version is refused (401
 * `access_token_stale`) in the same command that checks its session, and the client refreshes for new claims.
 *
 * The default session stores have one (`RedisSessionVersions`: the field `:c` of the user's session hash, read with
 * the session's head by one `HMGET`; `MemorySessionVersions`). A custom `sessionStore` has none (`null`).
 */
export interface SessionVersions {
  /** The user's claims version now (0 when never bumped, or when the user has no session). */
  current(userId: string): Promise<number>;
  /** Raises the user's claims version (nothing when the user has no session: no token can carry one). */
  bump(userId: string): Promise<void>;
  /** One store command: whether the session is live and the user's claims version is still `version`. */
  check(userId: string, sessionId: string, version: number): Promise<SessionVersionCheck>;
}

/** Injection token of the `SessionVersions` of the session store (`null` when it has none). */
export const SESSION_VERSIONS = Symbol('authkit:session-versions');
