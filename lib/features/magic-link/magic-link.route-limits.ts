import type { RouteCounterOptions, RouteLimitDeclarations } from '../../core/throttling/throttle.options';

declare module '../../core/throttling/throttle.options' {
  interface RouteLimitOptions {
    /** `POST /auth/magic-link`: 20 per ip and 3 per email per 15 min, counted whether or not the email has an account. */
    magicLink?: RouteCounterOptions<'ip' | 'email'>;
    /** `POST /auth/magic-link/verify`: 20 per ip and 10 per user id (the one the token names) per 15 min, before the token is checked. */
    magicLinkVerify?: RouteCounterOptions<'ip' | 'user'>;
  }
}

const WINDOW_MS = 15 * 60_000;

/** The magic-link feature's throttled routes and their default limits (those of forgot-password and reset). */
export const MAGIC_LINK_ROUTE_LIMITS = {
  magicLink: { ip: { limit: 20, windowMs: WINDOW_MS }, email: { limit: 3, windowMs: WINDOW_MS } },
  magicLinkVerify: { ip: { limit: 20, windowMs: WINDOW_MS }, user: { limit: 10, windowMs: WINDOW_MS } },
} as const satisfies RouteLimitDeclarations;
