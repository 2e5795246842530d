import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisCall } from '../redis/redis-call';
import type { RateLimitHit, RateLimitVerdict, RouteThrottle } from './route-throttle.interface';
import { ROUTE_THROTTLE_HIT, ROUTE_THROTTLE_REFUND } from './route-throttle.scripts';

interface RouteThrottleCommands {
  authkitRouteHit(counter: string, limit: number, windowMs: number, now: number): Promise<[number, number]>;
  authkitRouteRefund(counter: string, now: number): Promise<number>;
}

/**
 * `RouteThrottle` on Redis. Each counter is one key `<prefix>:{rt:<bucket>:<sha256 of the subject>}` (no email
 * or ip in key names, one slot per counter) charged by ONE Lua call; the calls of a request are issued together
 * (auto-pipelining: one round trip). When a counter refuses, the others charged by the same request are refunded
 * (a second round trip, only then). Any Redis failure rejects with `StoreUnavailableError`: the route answers 503
 * (fails closed; the routes it guards need Redis anyway).
 *
 * Windows are decided against `now()` (default `Date.now`), passed to the script.
 */
export class RedisRouteThrottle implements RouteThrottle {
  private readonly commands: RouteThrottleCommands;

  /** @param now the clock, epoch milliseconds (default `Date.now`); tests inject one to move time. */
  constructor(private readonly redis: Redis, private readonly keyPrefix = 'authkit', private readonly now: () => number = Date.now) {
    if (!('authkitRouteHit' in redis)) redis.defineCommand('authkitRouteHit', { lua: ROUTE_THROTTLE_HIT, numberOfKeys: 1 });
    if (!('authkitRouteRefund' in redis)) redis.defineCommand('authkitRouteRefund', { lua: ROUTE_THROTTLE_REFUND, numberOfKeys: 1 });
    this.commands = redis as unknown as RouteThrottleCommands;
  }

  async consume(hits: readonly RateLimitHit[]): Promise<RateLimitVerdict> {
    const now = Math.floor(this.now());
    const keys = hits.map((hit) => this.key(hit));
    const replies = await Promise.allSettled(
      hits.map((hit, i) => redisCall(() => this.commands.authkitRouteHit(keys[i], hit.limit.limit, hit.limit.windowMs, now))),
    );
    let refused: { allowed: false; retryAfterMs: number; bucket: string } | undefined;
    let failure: unknown;
    const charged: string[] = [];
    replies.forEach((reply, i) => {
      if (reply.status === 'rejected') {
        failure ??= reply.reason;
        return;
      }
      const [allowed, value] = reply.value.map(Number);
      if (allowed === 1) charged.push(keys[i]);
      else if (!refused || value > refused.retryAfterMs) refused = { allowed: false, retryAfterMs: value, bucket: hits[i].bucket };
    });
    if (failure === undefined && !refused) return { allowed: true };
    await Promise.allSettled(charged.map((key) => redisCall(() => this.commands.authkitRouteRefund(key, now))));
    if (failure !== undefined) throw failure;
    return refused as RateLimitVerdict;
  }

  /** The Redis key of a hit's counter. */
  key(hit: RateLimitHit): string {
    const digest = createHash('sha256').update(hit.subject).digest('base64url').slice(0, 32);
    return `${this.keyPrefix}:{rt:${hit.bucket}:${digest}}`;
  }
}
