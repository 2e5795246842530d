/** At most `limit` requests in a fixed window of `windowMs` milliseconds (the window starts with its first request). */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * One counter a request is charged to: a `bucket` (what is limited, e.g. `register:ip`) and a `subject` (whom:
 * a canonical ip from `clientIpKey`, a normalised email...). Subjects are hashed before they reach a store.
 */
export interface RateLimitHit {
  bucket: string;
  subject: string;
  limit: RateLimit;
}

/** `allowed: false`: nothing was charged; `bucket` names the counter that is full. */
export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterMs: number; bucket: string };

/**
 * Port for throttling the public routes that cost work (registration, OAuth start, forgot-password...).
 * `consume` charges one request to every counter, or to none when any of them is full: a refused request
 * costs its sender nothing more and does not extend a window. The defaults are `RedisRouteThrottle` (one Lua
 * call per counter, each single-slot, pipelined: one round trip) and `MemoryRouteThrottle`. Both fail closed:
 * a Redis failure rejects with `StoreUnavailableError` (503), a full memory table refuses.
 *
 * @example
 * ```ts
 * const verdict = await throttle.consume([
 *   { bucket: 'register:ip', subject: clientIpKey(ip), limit: { limit: 20, windowMs: 3_600_000 } },
 *   { bucket: 'register:email', subject: email, limit: { limit: 5, windowMs: 3_600_000 } },
 * ]);
 * if (!verdict.allowed) throw new TooManyRequestsError(verdict.retryAfterMs);
 * ```
 */
export interface RouteThrottle {
  consume(hits: readonly RateLimitHit[]): Promise<RateLimitVerdict>;
}

/** Injection token for the `RouteThrottle` port. */
export const RouteThrottle = Symbol('RouteThrottle');
