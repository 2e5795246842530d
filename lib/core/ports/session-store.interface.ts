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
  /** The user's credential version the session was created under (see `StoredUser.credentialVersion`). */
  credentialVersion: number;
  /**
   * Authentication methods of the sign-in that created the session (RFC 8176 `amr` values such as `pwd`, or
   * `oauth` and the provider's name), in order; `[]` for sessions recorded before the field existed.
   */
  amr: string[];
  /** When the user last authenticated for this session (the `auth_time` claim, in ms); `createdAt` by default. */
  authTime: number;
  ip?: string;
  userAgent?: string;
}

/** What a session records of its sign-in, handed back by every rotation (see `SessionRecord`). */
export type SessionAuthentication = Pick<SessionRecord, 'amr' | 'authTime'>;

/**
 * The `amr` values a session can record: RFC 8176's, plus `oauth` (an OAuth/OIDC provider vouched), `email` (a
 * link mailed to the user) and `oidc`. Stores may encode a value by its position (the Redis head keeps one
 * character per value), so values are only ever appended to this list, never reordered or removed.
 */
export const AMR_VALUES: readonly string[] = Object.freeze([
  'pwd', 'oauth', 'otp', 'mfa', 'hwk', 'swk', 'user', 'pin', 'sms', 'tel', 'email', 'kba', 'fpt', 'face', 'sc', 'pop', 'rba', 'wia', 'mca',
  'geo', 'iris', 'retina', 'vbm', 'oidc',
]);
/** At most this many `amr` values per session. */
export const MAX_AMR_VALUES = 4;

/** `amr` as every session store keeps it: the known values (`AMR_VALUES`), each once, at most `MAX_AMR_VALUES`. */
export function storedAmr(amr: readonly string[] | undefined): string[] {
  const known = (amr ?? []).filter((value, i, all) => AMR_VALUES.includes(value) && all.indexOf(value) === i);
  return known.slice(0, MAX_AMR_VALUES);
}

/**
 * `authTime` as every session store keeps it: `createdAt` when not given, else at a whole number of seconds
 * from `createdAt` (the `auth_time` claim is in seconds; the Redis head keeps the offset in seconds).
 */
export function storedAuthTime(authTime: number | undefined, createdAt: number): number {
  if (authTime === undefined || !Number.isSafeInteger(authTime)) return createdAt;
  return createdAt + Math.round((authTime - createdAt) / 1000) * 1000;
}

export interface CreateSessionInput {
  userId: string;
  sessionId: string;
  /** Hash of the first refresh token's secret. */
  secretHash: string;
  /**
   * The user's credential version as read when the user authenticated. Refused (`SessionRevokedError`) when
   * older than the user's floor: the credentials changed while this login was in flight. Default 0.
   */
  credentialVersion?: number;
  /** The sign-in's authentication methods (values of `AMR_VALUES`, at most `MAX_AMR_VALUES`). Default `[]`. */
  amr?: readonly string[];
  /** When the user authenticated (epoch ms). Default: the session's creation time. */
  authTime?: number;
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
  /** The user's current credential version: a session created under an older one is `stale`. Default 0. */
  credentialVersion?: number;
  ip?: string;
}

/** What `SessionStore.reauthenticate` records: the user proved it again, now. */
export interface ReauthenticateSessionInput {
  userId: string;
  sessionId: string;
  /**
   * The methods of the new proof (`AMR_VALUES`): added to what the session had (each once; the new proof's values
   * last, the oldest others dropped beyond `MAX_AMR_VALUES`).
   */
  amr: readonly string[];
}

/** `amr` after a re-authentication: the session's, then the proof's (each once), the last `MAX_AMR_VALUES`. */
export function reauthenticatedAmr(session: readonly string[], proof: readonly string[]): string[] {
  const added = storedAmr(proof);
  return [...storedAmr(session).filter((value) => !added.includes(value)), ...added].slice(-MAX_AMR_VALUES);
}

/** Options of `SessionStore.revokeAll`. */
export interface RevokeAllSessionsOptions {
  /**
   * The user's credential version after a change of credentials (password set or removed, account disabled,
   * enabled or secured). Sessions created under an older version are deleted (kept ones are carried to this
   * version), and from now on no session of an older version can be created (`create` refuses it) or
   * rotated (`stale`): a login that read the user before the change cannot outlive it.
   */
  credentialVersion?: number;
  /** Sessions not revoked: the caller's own (`{ sessionId }`), or `'all'` (only the version is recorded). Default: none. */
  keep?: { sessionId: string } | 'all';
}

/**
 * Outcome of a rotation:
 * - `rotated`: presented was current; `nextHash` is now current.
 * - `duplicate`: presented was the previous token, rotated less than `reuseWindowMs` ago, and `nextHash` is the
 *   current one (the same request again: its next token is derived from the presented one); nothing changed.
 *   The caller answers with that same next token (idempotent rotation) or as `superseded` (strict).
 *   With `late: true`: the same, but after `reuseWindowMs` and less than `retryGraceMs` after the rotation, whose
 *   new token has never been used (it would have rotated again, making the presented token older than the
 *   previous): a retry of a rotation whose answer was lost (a 503, a network gone). Both modes answer it with
 *   the same next token; nothing changed.
 * - `superseded`: presented was the previous token, rotated less than `reuseWindowMs` ago, but the current one
 *   is not the `nextHash` of this request; session kept.
 * - `reused`: an older token (the rotation that replaced it was acknowledged: its new token was used), or the
 *   previous one after the window and the grace (or after the window with another next hash): theft; the
 *   session has been deleted.
 * - `stale`: the session was created under an older credential version than the user's (or the recorded
 *   floor): the credentials changed since; the session has been deleted.
 * - `invalid`: no such session (expired, revoked, never existed).
 */
export type RotateResult =
  | { status: 'rotated'; session: RotatedSession }
  | { status: 'duplicate'; session: RotatedSession; late?: true }
  | { status: 'superseded' }
  | { status: 'reused' }
  | { status: 'stale' }
  | { status: 'invalid' };

/** The session a rotation answers with: a refresh keeps its `amr` and `authTime`. */
export type RotatedSession = Pick<SessionRecord, 'id' | 'userId' | 'generation' | 'createdAt' | 'absoluteExpiresAt' | 'amr' | 'authTime'>;

/** Lifetimes every adapter applies. */
export interface SessionStoreSettings {
  /** Sliding lifetime: a session not refreshed for this long ends. */
  idleTtlMs: number;
  /** Absolute lifetime from creation. */
  absoluteTtlMs: number;
  reuseWindowMs: number;
  /**
   * How long after a rotation its previous token, presented again with the same next hash while the new token
   * is still unused, is a late duplicate (`late: true`) rather than reuse. Absent or not above `reuseWindowMs`:
   * no grace beyond the window.
   */
  retryGraceMs?: number;
  maxSessionsPerUser: number;
}

/**
 * Port for session storage. Every operation is a single atomic call (one Redis round trip in
 * `RedisSessionStore`). Implementations must honour the rotation semantics of `RotateResult`
 * exactly; the shared contract suite in `lib/testing/session-store.contract.ts` (`nestjs-authkit/testing`) checks them.
 */
export interface SessionStore {
  /**
   * Creates a session; evicts the user's oldest sessions beyond `maxSessionsPerUser`. Rejects with
   * `SessionRevokedError` (creating nothing) when `credentialVersion` is older than the user's recorded floor.
   */
  create(input: CreateSessionInput): Promise<SessionRecord>;
  rotate(input: RotateSessionInput): Promise<RotateResult>;
  exists(userId: string, sessionId: string): Promise<boolean>;
  /** Live sessions of a user, oldest first. */
  list(userId: string): Promise<SessionRecord[]>;
  /** True when the session existed. */
  revoke(userId: string, sessionId: string): Promise<boolean>;
  /**
   * Revokes the user's sessions (but `options.keep`) and, with `options.credentialVersion`, records the new
   * credential version, in one atomic step. Number of sessions revoked.
   */
  revokeAll(userId: string, options?: RevokeAllSessionsOptions): Promise<number>;
  /**
   * Step-up: the user of a live session proved it again. Rewrites the session's `amr` (`reauthenticatedAmr`) and
   * sets its `authTime` to now (whole seconds from `createdAt`, see `storedAuthTime`) in one atomic step; every
   * later rotation carries them. Nothing else changes (the refresh token, generation and lifetimes are kept).
   * The session's new authentication, or null when there is no such live session.
   */
  reauthenticate(input: ReauthenticateSessionInput): Promise<SessionAuthentication | null>;
}

/**
 * The fields of a user's record (a Redis hash) a rotation can check in the same script, named by the user
 * store that owns the record's format (`RedisUserStore`): the session store knows nothing else of it.
 */
export interface UserRecordFields {
  /** A field every existing record has, non-empty. */
  presence: string;
  /** The field that marks a disabled user, and the value that means disabled. */
  disabled: string;
  disabledValue: string;
  /** The field holding the user's credential version (decimal; absent = 0). */
  credentialVersion: string;
}

/** Where a Redis user store keeps its records: its client and key prefix, and the fields a rotation checks. */
export interface UserRecordSource {
  redis: object;
  keyPrefix: string;
  fields: UserRecordFields;
}

/** What `rotateWithUserRecord` answers: the rotation's outcome and, when rotated or duplicate, the user's record. */
export interface UserRecordRotateResult {
  result: RotateResult;
  /** The user's record as field -> value, read in the same atomic step (rotated and duplicate only). */
  userRecord?: Record<string, string>;
}

/**
 * Optional capability of a session store (`RedisSessionStore`): a rotation that reads the user's record in the
 * same atomic step, so a refresh is one round trip. A user missing or disabled deletes the session
 * (`invalid`); the record's credential version stands for `RotateSessionInput.credentialVersion`.
 */
export interface UserRecordRotation {
  /** True when the records of `source` are reachable by this store's scripts: same client, same key prefix. */
  readsUserRecordsOf(source: UserRecordSource): boolean;
  rotateWithUserRecord(input: Omit<RotateSessionInput, 'credentialVersion'>, fields: UserRecordFields): Promise<UserRecordRotateResult>;
}

/** Whether `store` offers `UserRecordRotation`. */
export function hasUserRecordRotation(store: SessionStore): store is SessionStore & UserRecordRotation {
  const candidate = store as Partial<UserRecordRotation>;
  return typeof candidate.readsUserRecordsOf === 'function' && typeof candidate.rotateWithUserRecord === 'function';
}

/** Injection token for the `SessionStore` port. */
export const SessionStore = Symbol('SessionStore');
