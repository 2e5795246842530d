import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { RedisClient } from './redis.options';
import { isCommandTimeout, redisCall } from './redis-call';
import type {
  LoginAttempt, LoginOutcome, LoginThrottler, ScopedThrottleRule, ThrottleScope, ThrottleTicket, ThrottleVerdict,
} from '../../core/ports/login-throttler.interface';
import { MemoryLoginThrottler, throttleSubject } from '../memory/memory-login.throttler';
import { THROTTLE_CANCEL, THROTTLE_HIT, THROTTLE_UNDO } from './login-throttle.scripts';

interface ThrottleCommands {
  authkitThrottleHit(
    counter: string, block: string, limit: number, windowMs: number, blockMs: number, maxBlockMs: number, now: number,
  ): Promise<[number, number]>;
  authkitThrottleUndo(counter: string, block: string, count: number, now: number): Promise<number>;
  authkitThrottleCancel(
    counter: string, block: string, hitNow: number, limit: number, blockMs: number, maxBlockMs: number, now: number,
  ): Promise<number>;
}

interface Counter {
  rule: ScopedThrottleRule;
  counterKey: string;
  blockKey: string;
}

/**
 * `LoginThrottler` on Redis: each scope's counter is ONE Lua call (INCR + PEXPIRE + block with exponential
 * back-off, see `throttle.scripts.ts`), the scopes of an attempt run concurrently (one round trip with
 * auto-pipelining). Keys are `<prefix>:{tl:<scope>:<sha256 of the subject>}:n|b`: emails and ips never
 * appear in key names, and each counter is single-slot.
 *
 * Fails closed: a block from any scope in Redis wins, even when other scopes' calls failed (a Cluster shard
 * down). Only the scopes whose call failed fall back to an in-process `MemoryLoginThrottler` (per instance; a
 * custom `fallback` that is not one counts the whole attempt); while Redis is unreachable that is all of them.
 *
 * Windows and blocks are decided against `now()` (default `Date.now`), passed to the scripts: the instances'
 * clocks must agree (as for sessions), and a test can move the clock instead of waiting. Redis only drops
 * keys whose time is over (relative TTLs), so a clock that runs ahead of real time never sees a stale key
 * disappear early; one that stands still may outlive a key's TTL.
 */
export class RedisLoginThrottler implements LoginThrottler {
  private readonly commands: ThrottleCommands;
  /** Tickets counted partly by the fallback (the counters whose Redis call failed): how to settle each side. */
  private readonly split = new WeakMap<ThrottleTicket, { fallback: ThrottleTicket; redisCounts: Partial<Record<ThrottleScope, number>> }>();
  private readonly logger = new Logger('AuthKit');
  private lastWarning = Number.NEGATIVE_INFINITY;
  /** The in-process limiter used while Redis is unreachable (by default a `MemoryLoginThrottler` on the same clock). */
  readonly fallback: LoginThrottler;

  /**
   * @param fallback used while Redis is unreachable; default a `MemoryLoginThrottler` with the same rules and clock.
   * @param now the clock, epoch milliseconds (default `Date.now`); tests inject one to move time.
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly rules: readonly ScopedThrottleRule[],
    private readonly keyPrefix = 'authkit',
    fallback?: LoginThrottler,
    private readonly now: () => number = Date.now,
  ) {
    this.fallback = fallback ?? new MemoryLoginThrottler(rules, undefined, now);
    if (!('authkitThrottleHit' in redis)) redis.defineCommand('authkitThrottleHit', { lua: THROTTLE_HIT, numberOfKeys: 2 });
    if (!('authkitThrottleUndo' in redis)) redis.defineCommand('authkitThrottleUndo', { lua: THROTTLE_UNDO, numberOfKeys: 2 });
    if (!('authkitThrottleCancel' in redis)) redis.defineCommand('authkitThrottleCancel', { lua: THROTTLE_CANCEL, numberOfKeys: 2 });
    this.commands = redis as unknown as ThrottleCommands;
  }

  async begin(attempt: LoginAttempt): Promise<ThrottleVerdict> {
    const counters = this.counters(attempt);
    const now = this.clock();
    const replies = await Promise.allSettled(
      counters.map(({ rule, counterKey, blockKey }) =>
        redisCall(() => this.commands.authkitThrottleHit(counterKey, blockKey, rule.limit, rule.windowMs, rule.blockMs, rule.maxBlockMs, now)),
      ),
    );
    const counts: Partial<Record<ThrottleScope, number>> = {};
    const failed: ThrottleScope[] = [];
    let retryAfterMs = 0;
    replies.forEach((reply, i) => {
      if (reply.status === 'rejected') {
        // A hit that timed out (Redis may still run it, e.g. after a CLIENT PAUSE) is cancelled right behind it.
        failed.push(counters[i].rule.scope);
        if (isCommandTimeout(reply.reason)) this.cancel(counters[i], now);
        return;
      }
      const [allowed, value] = reply.value.map(Number);
      if (allowed === 1) counts[counters[i].rule.scope] = value;
      else retryAfterMs = Math.max(retryAfterMs, value);
    });
    // Fail closed: a block from Redis wins whatever failed beside it (a Cluster shard down).
    if (retryAfterMs > 0) {
      await this.undo(counters, counts);
      return { allowed: false, retryAfterMs };
    }
    if (failed.length === 0) return { allowed: true, ticket: { attempt: { ...attempt }, counts } };
    // Only the counters that failed are counted by the in-process limiter; what Redis counted stays counted there.
    this.warnFallback();
    const verdict = this.fallback instanceof MemoryLoginThrottler ? await this.fallback.beginIn(attempt, failed) : await this.fallback.begin(attempt);
    if (!verdict.allowed) {
      await this.undo(counters, counts);
      return verdict;
    }
    const ticket: ThrottleTicket = { attempt: { ...attempt }, counts: { ...counts, ...verdict.ticket.counts } };
    this.split.set(ticket, { fallback: verdict.ticket, redisCounts: counts });
    return { allowed: true, ticket };
  }

  async end(ticket: ThrottleTicket, outcome: LoginOutcome): Promise<void> {
    const split = this.split.get(ticket);
    if (split) {
      await this.fallback.end(split.fallback, outcome);
      return this.endInRedis(ticket.attempt, split.redisCounts, outcome);
    }
    return this.endInRedis(ticket.attempt, ticket.counts, outcome);
  }

  private async endInRedis(attempt: LoginAttempt, counts: Partial<Record<ThrottleScope, number>>, outcome: LoginOutcome): Promise<void> {
    if (outcome === 'failure') return;
    const counters = this.counters(attempt).filter((c) => counts[c.rule.scope] !== undefined);
    const reset = outcome === 'success' ? counters.filter((c) => c.rule.scope === 'emailIp') : [];
    // Issued together: one round trip (auto-pipelining).
    await Promise.all([
      Promise.allSettled(reset.map((c) => redisCall(() => this.redis.del(c.counterKey, c.blockKey)))),
      this.undo(counters.filter((c) => !reset.includes(c)), counts),
    ]);
  }

  /**
   * Sends the cancellation of a hit that timed out, on the same connection (so Redis runs it after the hit);
   * not awaited: when Redis is paused it is itself answered late or never, and applied when Redis resumes.
   */
  private cancel(counter: Counter, hitNow: number): void {
    const { rule, counterKey, blockKey } = counter;
    this.commands
      .authkitThrottleCancel(counterKey, blockKey, hitNow, rule.limit, rule.blockMs, rule.maxBlockMs, this.clock())
      .catch(() => undefined);
  }

  /** Uncounts an attempt in the given counters; failures are ignored (an attempt left counted is the safe side). */
  private async undo(counters: Counter[], counts: Partial<Record<ThrottleScope, number>>): Promise<void> {
    const now = this.clock();
    await Promise.allSettled(
      counters
        .filter((c) => counts[c.rule.scope] !== undefined)
        .map((c) => redisCall(() => this.commands.authkitThrottleUndo(c.counterKey, c.blockKey, counts[c.rule.scope] as number, now))),
    );
  }

  private counters(attempt: LoginAttempt): Counter[] {
    const out: Counter[] = [];
    for (const rule of this.rules) {
      const subject = throttleSubject(rule.scope, attempt);
      if (subject === undefined) continue;
      const digest = createHash('sha256').update(subject).digest('base64url').slice(0, 32);
      const base = `${this.keyPrefix}:{tl:${rule.scope}:${digest}}`;
      out.push({ rule, counterKey: `${base}:n`, blockKey: `${base}:b` });
    }
    return out;
  }

  /** `now()` as the whole milliseconds the scripts compare. */
  private clock(): number {
    return Math.floor(this.now());
  }

  private warnFallback(): void {
    const now = this.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.logger.warn('Redis is unavailable: login throttling uses the in-process fallback limiter (per instance) until it returns');
  }
}
