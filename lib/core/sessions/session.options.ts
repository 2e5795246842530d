import { nonNegativeNumber, oneOf, type OptionKeys, positiveInteger } from '../options/options.validation';
import type { SessionStoreSettings } from '../ports/session-store.interface';
import type { SessionUserAgentMode } from './user-agent';

const DAY_SECONDS = 24 * 60 * 60;

/** The module options the sessions feature owns. */
export interface SessionOptions {
  /** Sliding refresh lifetime: a session idle for longer ends. Default 30 days. */
  refreshTokenTtlSeconds?: number;
  /** Absolute session lifetime, however often it is refreshed. Default 90 days. */
  sessionAbsoluteTtlSeconds?: number;
  /** How long the previous refresh token counts as a concurrent duplicate rather than theft. Default 5000. */
  reuseWindowMs?: number;
  /**
   * What a duplicate refresh gets: the previous refresh token presented again within `reuseWindowMs` of its
   * rotation (two tabs, a retry after a lost response or a 503).
   * `'idempotent'` (default): 200 with the SAME new refresh token the first request got (each next token is
   * derived from the one it replaces, so every duplicate computes it). `'strict'`: 401
   * `refresh_token_superseded` (exactly one of N concurrent refreshes succeeds). The session is kept either
   * way; after the window, the previous token is reuse (theft): the session ends, unless its rotation was never
   * acknowledged (see `refreshRetryGraceMs`).
   */
  refreshTokenRotation?: RefreshTokenRotation;
  /**
   * A rotation whose answer never reached the client (a 503 after Redis applied it, a network gone) can be
   * retried with the previous token up to this long after the rotation, as long as the new token has not been
   * used: 200 with the same new refresh token, in both `refreshTokenRotation` modes, the session kept, no theft
   * event. Once the new token has been used (the rotation is acknowledged), the previous token is reuse.
   * Default 60000 (1 minute); at most the idle lifetime; not above `reuseWindowMs` (e.g. 0): no grace.
   */
  refreshRetryGraceMs?: number;
  /** Oldest sessions are evicted beyond this. Default 10. */
  maxSessionsPerUser?: number;
  /**
   * `'session'` (default): every authenticated request checks the session still exists, so logout is
   * immediate (one Redis HGET). `'stateless'`: signature only; revocation takes effect at expiry.
   */
  accessTokenValidation?: 'session' | 'stateless';
  /**
   * What a session keeps of the client's `User-Agent` (shown by `GET /auth/sessions` as `userAgent`).
   * `'summary'` (default): a short description such as `'Chrome 131 on macOS'` (at most 64 characters): what a
   * session list needs, less personal data, and it keeps a session at about 330 bytes of Redis memory.
   * `'full'`: the raw header, up to 256 bytes (UTF-8, cut on a character boundary) (about 150 bytes more per session in Redis). `'none'`.
   */
  sessionUserAgent?: SessionUserAgentMode;
}

/** See `SessionOptions.refreshTokenRotation`. */
export type RefreshTokenRotation = 'idempotent' | 'strict';

/** The sessions feature's options after defaults and validation (injected as `SESSION_OPTIONS`). */
export interface ResolvedSessionOptions {
  refreshTokenTtlSeconds: number;
  sessionAbsoluteTtlSeconds: number;
  reuseWindowMs: number;
  refreshTokenRotation: RefreshTokenRotation;
  refreshRetryGraceMs: number;
  maxSessionsPerUser: number;
  accessTokenValidation: 'session' | 'stateless';
  sessionUserAgent: SessionUserAgentMode;
}

/** Injection token of `ResolvedSessionOptions`. */
export const SESSION_OPTIONS = Symbol('authkit:session-options');

/** The top-level options the sessions own. */
export const SESSION_OPTION_KEYS: OptionKeys<SessionOptions> = {
  refreshTokenTtlSeconds: true, sessionAbsoluteTtlSeconds: true, reuseWindowMs: true, refreshTokenRotation: true, refreshRetryGraceMs: true, maxSessionsPerUser: true,
  accessTokenValidation: true, sessionUserAgent: true,
};

/** Applies defaults to the session options and validates them; throws a `TypeError` naming the option. */
export function resolveSessionOptions(options: SessionOptions): ResolvedSessionOptions {
  return {
    refreshTokenTtlSeconds: positiveInteger(options.refreshTokenTtlSeconds, 'refreshTokenTtlSeconds', 30 * DAY_SECONDS),
    sessionAbsoluteTtlSeconds: positiveInteger(options.sessionAbsoluteTtlSeconds, 'sessionAbsoluteTtlSeconds', 90 * DAY_SECONDS),
    reuseWindowMs: nonNegativeNumber(options.reuseWindowMs, 'reuseWindowMs', 5000),
    refreshTokenRotation: oneOf(options.refreshTokenRotation, 'refreshTokenRotation', ['idempotent', 'strict'], 'idempotent'),
    refreshRetryGraceMs: nonNegativeNumber(options.refreshRetryGraceMs, 'refreshRetryGraceMs', 60_000),
    maxSessionsPerUser: positiveInteger(options.maxSessionsPerUser, 'maxSessionsPerUser', 10),
    accessTokenValidation: oneOf(options.accessTokenValidation, 'accessTokenValidation', ['session', 'stateless'], 'session'),
    sessionUserAgent: oneOf(options.sessionUserAgent, 'sessionUserAgent', ['summary', 'full', 'none'], 'summary'),
  };
}

/** What a session store needs of the options. */
export function sessionStoreSettings(options: ResolvedSessionOptions): SessionStoreSettings {
  return {
    idleTtlMs: options.refreshTokenTtlSeconds * 1000,
    absoluteTtlMs: options.sessionAbsoluteTtlSeconds * 1000,
    reuseWindowMs: options.reuseWindowMs,
    retryGraceMs: Math.min(options.refreshRetryGraceMs, options.refreshTokenTtlSeconds * 1000),
    maxSessionsPerUser: options.maxSessionsPerUser,
  };
}
