import type { RouteCounterOptions, RouteLimitDeclarations } from '../../core/throttling/throttle.options';

declare module '../../core/throttling/throttle.options' {
  interface RouteLimitOptions {
    /** `POST /auth/passkeys/authentication/options` (public): 60 per ip per 10 min (each stores a challenge for its TTL). */
    passkeyOptions?: RouteCounterOptions<'ip'>;
  }
}

/** The passkeys feature's throttled routes and their default limits. */
export const PASSKEY_ROUTE_LIMITS = {
  passkeyOptions: { ip: { limit: 60, windowMs: 10 * 60_000 } },
} as const satisfies RouteLimitDeclarations;
