import { Inject, Injectable } from '@nestjs/common';
import type { ClientInfo } from '../auth.types';
import { TooManyRequestsError } from '../errors/auth.errors';
import { AuthEvent } from '../events/auth-event.names';
import { AuthEvents } from '../events/auth-events.emitter';
import { RouteThrottle } from '../ports/route-throttle.interface';
import { type ResolvedRouteLimits, ROUTE_LIMITS, type RouteCounter, type ThrottledRoute } from './throttle.options';
import { throttleRoute } from './throttled-route';

/** `oauthStart` -> `oauth_start`: the `action` of a route's `Throttled` event and security line. */
export function throttledAction(route: string): string {
  return route.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The route limits (`throttle.register`, `throttle.oauthStart`, `throttle.passwordForgot`...) on the configured
 * `RouteThrottle`: the one throttle-and-emit path of every route a kernel part or a feature limits. A refused
 * request emits `Throttled` (`action`: the route in snake case, with the email or user id it was counted by)
 * and writes a `request_throttled` security line (aggregated, see `SecurityLog`).
 */
@Injectable()
export class RouteLimiter {
  constructor(
    @Inject(RouteThrottle) private readonly throttle: RouteThrottle,
    @Inject(ROUTE_LIMITS) private readonly limits: ResolvedRouteLimits,
    private readonly events: AuthEvents,
  ) {}

  /**
   * Charges one request of `route` to its counters (see `throttleRoute`; `subjects.ip` from `clientIpKey`);
   * `TooManyRequestsError` when one is full, after the event and the log line (with `client`'s ip and agent).
   */
  async charge<R extends ThrottledRoute>(route: R, subjects: { [C in RouteCounter<R>]?: string }, client: ClientInfo = {}): Promise<void> {
    try {
      await throttleRoute(this.throttle, this.limits, route, subjects);
    } catch (error) {
      if (error instanceof TooManyRequestsError) this.refused(route, subjects as Record<string, string | undefined>, client, error.retryAfterSeconds);
      throw error;
    }
  }

  private refused(route: string, subjects: Record<string, string | undefined>, client: ClientInfo, retryAfterSeconds: number): void {
    const action = throttledAction(route);
    const { email, user: userId } = subjects;
    this.events.security.record('request_throttled', { action, email, userId, ip: client.ip });
    this.events.emitFor(client, AuthEvent.Throttled, {
      action, retryAfterSeconds, ...(email === undefined ? {} : { email }), ...(userId === undefined ? {} : { userId }),
    });
  }
}
