import type { RateLimitHit, RateLimitVerdict, RouteThrottle } from '../../core/ports/route-throttle.interface';

interface Window {
  count: number;
  endsAt: number;
}

const DEFAULT_MAX_COUNTERS = 100_000;
const FULL_RETRY_AFTER_MS = 1000;

/** The in-process key of a hit's counter. */
function counterKey(hit: RateLimitHit): string {
  return `${hit.bucket}\n${hit.subject}`;
}

/**
 * In-process `RouteThrottle` with the same semantics as `RedisRouteThrottle` (the default without Redis).
 * Counts are per process. Beyond `maxCounters` live counters it refuses new subjects (fails closed) instead
 * of growing without bound.
 */
export class MemoryRouteThrottle implements RouteThrottle {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  /** @param now the clock, epoch milliseconds (default `Date.now`); tests inject one to move time. */
  constructor(private readonly maxCounters = DEFAULT_MAX_COUNTERS, private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(this.now()), 60_000);
    this.sweeper.unref();
  }

  async consume(hits: readonly RateLimitHit[]): Promise<RateLimitVerdict> {
    const now = this.now();
    let refused: { allowed: false; retryAfterMs: number; bucket: string } | undefined;
    let fresh = 0;
    for (const hit of hits) {
      const window = this.live(counterKey(hit), now);
      if (!window) fresh++;
      else if (window.count >= hit.limit.limit && (!refused || window.endsAt - now > refused.retryAfterMs)) {
        refused = { allowed: false, retryAfterMs: window.endsAt - now, bucket: hit.bucket };
      }
    }
    if (refused) return refused;
    if (fresh > 0 && this.windows.size + fresh > this.maxCounters) {
      this.sweep(now);
      if (this.windows.size + fresh > this.maxCounters) {
        return { allowed: false, retryAfterMs: FULL_RETRY_AFTER_MS, bucket: hits[0]?.bucket ?? '' };
      }
    }
    for (const hit of hits) {
      const key = counterKey(hit);
      const window = this.live(key, now) ?? { count: 0, endsAt: now + hit.limit.windowMs };
      window.count += 1;
      this.windows.set(key, window);
    }
    return { allowed: true };
  }

  /** Stops the background sweep (call when discarding the throttle). */
  close(): void {
    clearInterval(this.sweeper);
  }

  private live(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
