import type { RouteCounterOptions, RouteLimitDeclarations } from '../../core/throttling/throttle.options';

declare module '../../core/throttling/throttle.options' {
  interface RouteLimitOptions {
    /** `POST /auth/orgs`: 20 organizations per user per day. */
    orgCreate?: RouteCounterOptions<'user'>;
    /** `POST /auth/orgs/:orgId/invitations`: 50 invitations (mails) per inviting user per hour. */
    orgInvitation?: RouteCounterOptions<'user'>;
  }
}

/** The organizations feature's throttled routes and their default limits (each counted per signed-in user). */
export const ORGANIZATION_ROUTE_LIMITS = {
  orgCreate: { user: { limit: 20, windowMs: 24 * 60 * 60_000 } },
  orgInvitation: { user: { limit: 50, windowMs: 60 * 60_000 } },
} as const satisfies RouteLimitDeclarations;
