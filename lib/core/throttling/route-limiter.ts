import { Inject, Injectable } from '@nestjs/common';
import { RouteThrottle } from '../ports/route-throttle.interface';
import { type ResolvedRouteLimits, ROUTE_LIMITS, type RouteCounter, type ThrottledRoute } from './throttle.options';
import { throttleRoute } from './throttled-route';

/**
 * The route limits (`throttle.register`, `throttle.oauthStart`...) on the configured `RouteThrottle`: one
 * dependency for the services that charge a request to them.
 */
@Injectable()
export class RouteLimiter {
  constructor(
    @Inject(RouteThrottle) private readonly throttle: RouteThrottle,
    @Inject(ROUTE_LIMITS) private readonly limits: ResolvedRouteLimits,
  ) {}

  /** Charges one request of `route` to its counters (see `throttleRoute`); `TooManyRequestsError` when one is full. */
  charge<R extends ThrottledRoute>(route: R, subjects: { [C in RouteCounter<R>]?: string }): Promise<void> {
    return throttleRoute(this.throttle, this.limits, route, subjects);
  }
}
