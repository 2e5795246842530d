import type { RouteCounterOptions, RouteLimitDeclarations } from '../../core/throttling/throttle.options';

declare module '../../core/throttling/throttle.options' {
  interface RouteLimitOptions {
    /** `GET /auth/:provider` (and `/link`): 30 per ip per 10 min (each start stores ~400 B of state for the state TTL). */
    oauthStart?: RouteCounterOptions<'ip'>;
  }
}

/** The OAuth feature's throttled routes and their default limits. */
export const OAUTH_ROUTE_LIMITS = {
  oauthStart: { ip: { limit: 30, windowMs: 10 * 60_000 } },
} as const satisfies RouteLimitDeclarations;
