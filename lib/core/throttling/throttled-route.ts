import { TooManyRequestsError } from '../errors/auth.errors';
import type { RateLimitHit, RouteThrottle } from '../ports/route-throttle.interface';
import type { ResolvedRouteLimits, RouteCounter, ThrottledRoute } from './throttle.options';

/**
 * Charges one request of `route` (a route the kernel or a feature declared) to each of its counters that is on and has a subject (`subjects.ip` should
 * come from `clientIpKey`); throws `TooManyRequestsError` (429 + Retry-After) when one is full.
 *
 * @example
 * ```ts
 * await throttleRoute(throttle, limits, 'register', { ip: clientIpKey(req.ip), email });
 * ```
 */
export async function throttleRoute<R extends ThrottledRoute>(
  throttle: RouteThrottle,
  limits: ResolvedRouteLimits,
  route: R,
  subjects: { [C in RouteCounter<R>]?: string },
): Promise<void> {
  const hits: RateLimitHit[] = [];
  const counters = limits[route];
  // A route nobody declared is a wiring mistake, not a route to leave open.
  if (!counters) throw new TypeError(`nestjs-authkit: route "${route}" has no declared limits (a feature's routeLimits)`);
  for (const [name, subject] of Object.entries(subjects) as Array<[string, string | undefined]>) {
    const limit = counters[name];
    if (limit && subject !== undefined) hits.push({ bucket: `${route}:${name}`, subject, limit });
  }
  if (hits.length === 0) return;
  const verdict = await throttle.consume(hits);
  if (!verdict.allowed) throw new TooManyRequestsError(verdict.retryAfterMs);
}
