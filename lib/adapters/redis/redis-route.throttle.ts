import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { RedisClient } from './redis.options';
import { isCommandTimeout, redisCall } from './redis-call';
import { MemoryRouteThrottle } from '../memory/memory-route.throttle';
import type { RateLimitHit, RateLimitVerdict, RouteThrottle } from '../../core/ports/route-throttle.interface';
import { ROUTE_THROTTLE_HIT, ROUTE_THROTTLE_REFUND } from './route-throttle.scripts';

interface RouteThrottleCommands {
  authkitRouteHit(counter: string, limit: number, windowMs: number, now: number): Promise<[number, number]>;
  authkitRouteRefund(counter: string, now: number): Promise<number>;
}

/**
 * `RouteThrottle` on Redis. Each counter is one key `<prefix>:{rt:<bucket>:<sha256 of the subject>}` (no email
 * or ip in key names, one slot per counter) charged by ONE Lua call; the calls of a request are issued together
 * (auto-pipelining: one round trip). When a counter refuses, the others charged by the same request are refunded
 * (a second round trip, only then).
 *
 * Fails closed: a refusal from any counter in Redis wins, even when other counters failed (a Cluster shard down).
 * Only the counters whose call failed fall back to an in-process `MemoryRouteThrottle` (per instance), like the
 * login throttler; the counters Redis charged stay charged unless the request is refused. A hit whose command timed out
 * (Redis may still run it, e.g. after a `CLIENT PAUSE`) is refunded right behind it on the same connection.
 *
 * Windows are decided against `now()` (default `Date.now`), passed to the script.
 */
export class RedisRouteThrottle implements RouteThrottle {
  private readonly commands: RouteThrottleCommands;
  private readonly logger = new Logger('AuthKit');
  private lastWarning = Number.NEGATIVE_INFINITY;
  /** The in-process throttle used while Redis is unreachable (by default a `MemoryRouteThrottle` on the same clock). */
  readonly fallback: RouteThrottle;

  /**
   * @param now the clock, epoch milliseconds (default `Date.now`); tests inject one to move time.
   * @param fallback used while Redis is unreachable; default a `MemoryRouteThrottle` on the same clock.
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix = 'authkit',
    private readonly now: () => number = Date.now,
    fallback?: RouteThrottle,
  ) {
    this.fallback = fallback ?? new MemoryRouteThrottle(undefined, now);
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
    const failed: RateLimitHit[] = [];
    const charged: string[] = [];
    replies.forEach((reply, i) => {
      if (reply.status === 'rejected') {
        failed.push(hits[i]);
        if (isCommandTimeout(reply.reason)) this.refundLater(keys[i], now);
        return;
      }
      const [allowed, value] = reply.value.map(Number);
      if (allowed === 1) charged.push(keys[i]);
      else if (!refused || value > refused.retryAfterMs) refused = { allowed: false, retryAfterMs: value, bucket: hits[i].bucket };
    });
    if (failed.length === 0 && !refused) return { allowed: true };
    // A refusal from Redis wins, whatever failed beside it; only the counters that failed ask the fallback.
    let verdict: RateLimitVerdict | undefined = refused;
    if (!verdict) {
      this.warnFallback();
      verdict = await this.fallback.consume(failed);
      if (verdict.allowed) return verdict;
    }
    await Promise.allSettled(charged.map((key) => redisCall(() => this.commands.authkitRouteRefund(key, now))));
    return verdict;
  }

  /** Refunds a hit that timed out, on the same connection (Redis runs it after the hit); not awaited. */
  private refundLater(key: string, now: number): void {
    this.commands.authkitRouteRefund(key, now).catch(() => undefined);
  }

  private warnFallback(): void {
    const now = this.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.logger.warn('Redis is unavailable: route throttling uses the in-process fallback (per instance) until it returns');
  }

  /** The Redis key of a hit's counter. */
  key(hit: RateLimitHit): string {
    const digest = createHash('sha256').update(hit.subject).digest('base64url').slice(0, 32);
    return `${this.keyPrefix}:{rt:${hit.bucket}:${digest}}`;
  }
}
