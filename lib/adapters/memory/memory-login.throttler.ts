import { clientIpKey } from '../../core/throttling/client-ip';
import { THROTTLE_SCOPES } from '../../core/ports/login-throttler.interface';
import type {
  LoginAttempt, LoginOutcome, LoginThrottler, ScopedThrottleRule, ThrottleScope, ThrottleTicket, ThrottleVerdict,
} from '../../core/ports/login-throttler.interface';

interface Counter {
  count: number;
  expiresAt: number;
  blockedUntil: number;
  /** The count that set the current block. */
  blockedAt: number;
}

/**
 * Identifier of an attempt in a scope; `undefined` when the scope does not apply. The ip is keyed by
 * `clientIpKey` (one address written several ways is one key; IPv6 by /64).
 */
export function throttleSubject(scope: ThrottleScope, attempt: LoginAttempt): string | undefined {
  const ip = clientIpKey(attempt.ip);
  switch (scope) {
    case 'emailIp':
      return `${attempt.email}\n${ip ?? ''}`;
    case 'ip':
      return ip;
    default:
      return attempt.email;
  }
}

/** Length of the block that the attempt with count `count` starts (exponential back-off, capped). */
export function blockDurationMs(rule: ScopedThrottleRule, count: number): number {
  return Math.floor(Math.min(rule.blockMs * 2 ** Math.min(count - rule.limit, 40), rule.maxBlockMs));
}

/** Beyond this many live counters new attempts are refused (fail closed) rather than memory growing without bound. */
const DEFAULT_MAX_COUNTERS = 100_000;
const FULL_RETRY_AFTER_MS = 1000;

/**
 * In-process `LoginThrottler` with the same semantics as `RedisLoginThrottler`: the default without Redis,
 * and the fallback `RedisLoginThrottler` uses while Redis is unreachable. Counts are per process.
 */
export class MemoryLoginThrottler implements LoginThrottler {
  private readonly counters = new Map<string, Counter>();
  private readonly sweeper: NodeJS.Timeout;

  /**
   * @param maxCounters live counters beyond which new attempts are refused.
   * @param now the clock, epoch milliseconds (default `Date.now`); tests inject one to move time.
   */
  constructor(
    private readonly rules: readonly ScopedThrottleRule[],
    private readonly maxCounters = DEFAULT_MAX_COUNTERS,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(this.now()), 60_000);
    this.sweeper.unref();
  }

  async begin(attempt: LoginAttempt): Promise<ThrottleVerdict> {
    return this.beginIn(attempt, THROTTLE_SCOPES);
  }

  /**
   * `begin`, counted in the given scopes only: what `RedisLoginThrottler` asks of its fallback for the counters
   * whose Redis call failed (the others were counted, or refused, by Redis). `end` settles the ticket as usual.
   */
  async beginIn(attempt: LoginAttempt, scopes: readonly ThrottleScope[]): Promise<ThrottleVerdict> {
    const now = this.now();
    const applicable = this.applicable(attempt).filter(({ rule }) => scopes.includes(rule.scope));
    let retryAfterMs = 0;
    for (const { key } of applicable) {
      const counter = this.live(key, now);
      if (counter && counter.blockedUntil > now) retryAfterMs = Math.max(retryAfterMs, counter.blockedUntil - now);
    }
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
    if (this.counters.size + applicable.length > this.maxCounters) {
      this.sweep(now);
      if (this.counters.size + applicable.length > this.maxCounters) return { allowed: false, retryAfterMs: FULL_RETRY_AFTER_MS };
    }
    const counts: Partial<Record<ThrottleScope, number>> = {};
    for (const { rule, key } of applicable) {
      let counter = this.live(key, now);
      if (!counter) {
        counter = { count: 0, expiresAt: now + rule.windowMs, blockedUntil: 0, blockedAt: 0 };
        this.counters.set(key, counter);
      }
      counter.count += 1;
      if (counter.count >= rule.limit) {
        const ms = blockDurationMs(rule, counter.count);
        counter.blockedUntil = now + ms;
        counter.blockedAt = counter.count;
        counter.expiresAt = Math.max(counter.expiresAt, now + ms + rule.windowMs);
      }
      counts[rule.scope] = counter.count;
    }
    return { allowed: true, ticket: { attempt: { ...attempt }, counts } };
  }

  async end(ticket: ThrottleTicket, outcome: LoginOutcome): Promise<void> {
    if (outcome === 'failure') return;
    const now = this.now();
    for (const { rule, key } of this.applicable(ticket.attempt)) {
      const count = ticket.counts[rule.scope];
      if (count === undefined) continue;
      if (outcome === 'success' && rule.scope === 'emailIp') {
        this.counters.delete(key);
        continue;
      }
      const counter = this.live(key, now);
      if (!counter) continue;
      if (counter.blockedAt === count) counter.blockedUntil = 0;
      if (counter.count > 0) counter.count -= 1;
    }
  }

  /** Stops the background sweep (call when discarding the throttler). */
  close(): void {
    clearInterval(this.sweeper);
  }

  private applicable(attempt: LoginAttempt): Array<{ rule: ScopedThrottleRule; key: string }> {
    const out: Array<{ rule: ScopedThrottleRule; key: string }> = [];
    for (const rule of this.rules) {
      const subject = throttleSubject(rule.scope, attempt);
      if (subject !== undefined) out.push({ rule, key: `${rule.scope}\n${subject}` });
    }
    return out;
  }

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.expiresAt <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private sweep(now: number): void {
    for (const [key, counter] of this.counters) if (counter.expiresAt <= now) this.counters.delete(key);
  }
}
