import type { RouteCounterOptions, RouteLimitDeclarations } from '../../core/throttling/throttle.options';

declare module '../../core/throttling/throttle.options' {
  interface RouteLimitOptions {
    /** `POST /auth/password/forgot`: 20 per ip and 3 per email per 15 min, counted whether or not the email has an account. */
    passwordForgot?: RouteCounterOptions<'ip' | 'email'>;
    /** `POST /auth/email/verify/request`: 20 per ip and 3 per user per 15 min. */
    emailVerification?: RouteCounterOptions<'ip' | 'email'>;
    /**
     * `POST /auth/password/reset`: 20 per ip and 10 per user id (the one the presented token names) per 15 min,
     * charged before the token is checked, so a flood of forged tokens gets 429s instead of queueing work.
     */
    passwordReset?: RouteCounterOptions<'ip' | 'user'>;
    /** `POST /auth/email/verify`: 20 per ip and 10 per user id per 15 min, charged before the token is checked. */
    emailVerify?: RouteCounterOptions<'ip' | 'user'>;
  }
}

const WINDOW_MS = 15 * 60_000;

/** The recovery feature's throttled routes and their default limits. */
export const RECOVERY_ROUTE_LIMITS = {
  passwordForgot: { ip: { limit: 20, windowMs: WINDOW_MS }, email: { limit: 3, windowMs: WINDOW_MS } },
  emailVerification: { ip: { limit: 20, windowMs: WINDOW_MS }, email: { limit: 3, windowMs: WINDOW_MS } },
  passwordReset: { ip: { limit: 20, windowMs: WINDOW_MS }, user: { limit: 10, windowMs: WINDOW_MS } },
  emailVerify: { ip: { limit: 20, windowMs: WINDOW_MS }, user: { limit: 10, windowMs: WINDOW_MS } },
} as const satisfies RouteLimitDeclarations;
