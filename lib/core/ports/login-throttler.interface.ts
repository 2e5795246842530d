/**
 * The scopes a login attempt is counted in:
 * - `emailIp`: one email from one client ip (guessing one account's password); reset by a success;
 * - `ip`: one client ip across all emails (password spraying);
 * - `account`: one email across all ips (a distributed attack on one account).
 */
export type ThrottleScope = 'emailIp' | 'ip' | 'account';

/** Every scope, in the order they are checked. */
export const THROTTLE_SCOPES: readonly ThrottleScope[] = ['emailIp', 'ip', 'account'];

/**
 * One counter. Attempts are counted when they start (so concurrent guesses cannot slip past the limit) and
 * uncounted when they succeed or end without a password check. The attempt that reaches `limit` within
 * `windowMs` starts a block of `blockMs`; while blocked every attempt is refused with `Retry-After` and
 * nothing is hashed. Each further failure after a block doubles the block (exponential back-off), up to
 * `maxBlockMs`. All durations are milliseconds.
 */
export interface ThrottleRule {
  /** Failed attempts allowed in a window; the attempt that reaches it starts a block. */
  limit: number;
  /** Fixed window in which failures are counted, from the first failure. */
  windowMs: number;
  /** First block. */
  blockMs: number;
  /** Longest block, however many failures follow. */
  maxBlockMs: number;
}

/** A rule bound to its scope (resolved options). */
export interface ScopedThrottleRule extends ThrottleRule {
  scope: ThrottleScope;
}

/** A login attempt as the throttler sees it. */
export interface LoginAttempt {
  /** Normalised email (counted whether or not an account has it, so counting reveals nothing). */
  email: string;
  /** Client ip (`req.ip`). Without one (non-HTTP callers) the `ip` scope is skipped. */
  ip?: string;
}

/** What `LoginThrottler.begin` hands back for an allowed attempt; pass it to `end`. */
export interface ThrottleTicket {
  readonly attempt: LoginAttempt;
  /** The count this attempt reached in each scope it was counted in. */
  readonly counts: Readonly<Partial<Record<ThrottleScope, number>>>;
}

/** `allowed: false` means blocked: the attempt was not counted and must not be tried. */
export type ThrottleVerdict =
  | { allowed: true; ticket: ThrottleTicket }
  | { allowed: false; retryAfterMs: number };

/**
 * How an attempt ended: `failure` (wrong password or unknown email: stays counted), `success` (the
 * email+ip counter is reset, the attempt uncounted elsewhere) or `aborted` (no verdict on the password,
 * e.g. bad input or the store down: uncounted everywhere).
 */
export type LoginOutcome = 'failure' | 'success' | 'aborted';

/**
 * Port for login throttling. The default is `RedisLoginThrottler` (one Lua call per scope, with an
 * in-process fallback while Redis is down) or `MemoryLoginThrottler` without Redis. Implementations
 * must fail closed: when unsure, refuse.
 *
 * @example
 * ```ts
 * const verdict = await throttler.begin({ email, ip });
 * if (!verdict.allowed) throw new TooManyAttemptsError(verdict.retryAfterMs);
 * // ...check the password...
 * await throttler.end(verdict.ticket, passwordOk ? 'success' : 'failure');
 * ```
 */
export interface LoginThrottler {
  /** Counts an attempt in every scope, or refuses it while any scope is blocked. */
  begin(attempt: LoginAttempt): Promise<ThrottleVerdict>;
  /** Settles an allowed attempt. Never throws. */
  end(ticket: ThrottleTicket, outcome: LoginOutcome): Promise<void>;
}

/** Injection token for the `LoginThrottler` port. */
export const LoginThrottler = Symbol('LoginThrottler');
