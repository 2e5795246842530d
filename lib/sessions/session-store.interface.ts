/** One login on one device. Times are epoch milliseconds. */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number;
  /** When the session ends if it is not refreshed (sliding), capped by `absoluteExpiresAt`. */
  expiresAt: number;
  absoluteExpiresAt: number;
  /** Incremented by every rotation. */
  generation: number;
  ip?: string;
  userAgent?: string;
}

export interface CreateSessionInput {
  userId: string;
  sessionId: string;
  /** Hash of the first refresh token's secret. */
  secretHash: string;
  ip?: string;
  userAgent?: string;
}

export interface RotateSessionInput {
  userId: string;
  sessionId: string;
  /** Hash of the presented refresh secret. */
  presentedHash: string;
  /** Hash of the secret of the token that replaces it. */
  nextHash: string;
  ip?: string;
}

/**
 * Outcome of a rotation:
 * - `rotated`: presented was current; `nextHash` is now current.
 * - `superseded`: presented was the previous token, rotated less than `reuseWindowMs` ago (a concurrent duplicate); session kept.
 * - `reused`: an older token, or the previous one after the window: theft; the session has been deleted.
 * - `invalid`: no such session (expired, revoked, never existed).
 */
export type RotateResult =
  | { status: 'rotated'; session: Pick<SessionRecord, 'id' | 'userId' | 'generation' | 'createdAt' | 'absoluteExpiresAt'> }
  | { status: 'superseded' }
  | { status: 'reused' }
  | { status: 'invalid' };

/** Lifetimes every adapter applies. */
export interface SessionStoreSettings {
  /** Sliding lifetime: a session not refreshed for this long ends. */
  idleTtlMs: number;
  /** Absolute lifetime from creation. */
  absoluteTtlMs: number;
  reuseWindowMs: number;
  maxSessionsPerUser: number;
}

/**
 * Port for session storage. Every operation is a single atomic call (one Redis round trip in
 * `RedisSessionStore`). Implementations must honour the rotation semantics of `RotateResult`
 * exactly; the shared contract suite in `test/sessions/session-store.contract.ts` checks them.
 */
export interface SessionStore {
  /** Creates a session; evicts the user's oldest sessions beyond `maxSessionsPerUser`. */
  create(input: CreateSessionInput): Promise<SessionRecord>;
  rotate(input: RotateSessionInput): Promise<RotateResult>;
  exists(userId: string, sessionId: string): Promise<boolean>;
  /** Live sessions of a user, oldest first. */
  list(userId: string): Promise<SessionRecord[]>;
  /** True when the session existed. */
  revoke(userId: string, sessionId: string): Promise<boolean>;
  /** Number of sessions revoked. */
  revokeAll(userId: string): Promise<number>;
}

/** Injection token for the `SessionStore` port. */
export const SessionStore = Symbol('SessionStore');
