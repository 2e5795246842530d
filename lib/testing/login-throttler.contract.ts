/// <reference types="jest" />
import { randomBytes } from 'node:crypto';
import type { LoginAttempt, LoginThrottler, ScopedThrottleRule, ThrottleVerdict } from '../core/ports/login-throttler.interface';
import { resolveThrottleRules, type ThrottleOptions } from '../core/throttling/throttle.options';
import { ManualClock } from './manual-clock';

/**
 * Builds a throttler with the given rules (a fresh key space per call) that reads the time from `now`
 * (epoch milliseconds), so that the suite moves a clock instead of sleeping.
 */
export type ThrottlerFactory = (rules: ScopedThrottleRule[], now: () => number) => LoginThrottler | Promise<LoginThrottler>;

function attempt(email: string, ip = '10.0.0.1'): LoginAttempt {
  return { email, ip };
}

function freshEmail(): string {
  return `c-${randomBytes(5).toString('hex')}@example.com`;
}

async function fail(throttler: LoginThrottler, a: LoginAttempt): Promise<ThrottleVerdict> {
  const verdict = await throttler.begin(a);
  if (verdict.allowed) await throttler.end(verdict.ticket, 'failure');
  return verdict;
}

/**
 * The semantics every `LoginThrottler` adapter must have (memory and Redis run the same suite, so they
 * cannot drift). Each test makes its own throttler through `factory`.
 */
export function describeLoginThrottlerContract(name: string, factory: ThrottlerFactory): void {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
  });
  const make = (options: ThrottleOptions = {}) => factory(resolveThrottleRules(options), clock.now);

  describe(`LoginThrottler contract: ${name}`, () => {
    it('allows 5 failures per email+ip, then refuses with a retry delay without counting the refused attempt', async () => {
      const throttler = await make();
      const a = attempt(freshEmail());
      for (let i = 1; i <= 5; i++) expect((await fail(throttler, a)).allowed).toBe(true);
      const refused = await throttler.begin(a);
      expect(refused.allowed).toBe(false);
      if (refused.allowed) return;
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      // Same email from another ip, and another email from this ip: not blocked by the email+ip counter.
      expect((await throttler.begin(attempt(a.email, '10.0.0.2'))).allowed).toBe(true);
      expect((await throttler.begin(attempt(freshEmail(), a.ip))).allowed).toBe(true);
    });

    it('a success resets the email+ip counter', async () => {
      const throttler = await make();
      const a = attempt(freshEmail());
      for (let i = 0; i < 4; i++) await fail(throttler, a);
      const ok = await throttler.begin(a);
      expect(ok.allowed).toBe(true);
      if (ok.allowed) await throttler.end(ok.ticket, 'success');
      for (let i = 1; i <= 5; i++) expect((await fail(throttler, a)).allowed).toBe(true);
      expect((await throttler.begin(a)).allowed).toBe(false);
    });

    it('a success resets only the email+ip counter: failures already counted per ip and per account stand', async () => {
      // Failures first, then the success: a success that reset every scope would let an attacker who owns one
      // account clear the per-ip counter of a spraying run (and the per-account one) at will.
      const throttler = await make({ emailIp: { limit: 10 }, ip: { limit: 3 }, account: { limit: 3 } });
      const a = attempt(freshEmail(), '10.4.4.4');
      for (let i = 0; i < 2; i++) expect((await fail(throttler, a)).allowed).toBe(true);
      const ok = await throttler.begin(a);
      expect(ok.allowed).toBe(true);
      if (ok.allowed) await throttler.end(ok.ticket, 'success');
      expect((await fail(throttler, a)).allowed).toBe(true); // failure 3 in the ip and account scopes: both block
      expect((await throttler.begin(attempt(freshEmail(), a.ip))).allowed).toBe(false); // the ip scope
      expect((await throttler.begin(attempt(a.email, '10.4.4.5'))).allowed).toBe(false); // the account scope
    });

    it('aborted attempts (no verdict on the password) are uncounted', async () => {
      const throttler = await make({ emailIp: { limit: 3 } });
      const a = attempt(freshEmail());
      for (let i = 0; i < 10; i++) {
        const verdict = await throttler.begin(a);
        expect(verdict.allowed).toBe(true);
        if (verdict.allowed) await throttler.end(verdict.ticket, 'aborted');
      }
    });

    it('the ip scope counts failures across emails (password spraying); successes are not counted', async () => {
      const throttler = await make({ emailIp: false, account: false, ip: { limit: 3 } });
      for (let i = 0; i < 6; i++) {
        const ok = await throttler.begin(attempt(freshEmail(), '10.9.9.9'));
        expect(ok.allowed).toBe(true);
        if (ok.allowed) await throttler.end(ok.ticket, 'success');
      }
      for (let i = 0; i < 3; i++) expect((await fail(throttler, attempt(freshEmail(), '10.9.9.9'))).allowed).toBe(true);
      expect((await throttler.begin(attempt(freshEmail(), '10.9.9.9'))).allowed).toBe(false);
      expect((await throttler.begin(attempt(freshEmail(), '10.9.9.8'))).allowed).toBe(true);
    });

    it('the account scope counts failures across ips', async () => {
      const throttler = await make({ emailIp: false, ip: false, account: { limit: 3 } });
      const email = freshEmail();
      for (let i = 1; i <= 3; i++) expect((await fail(throttler, attempt(email, `10.1.0.${i}`))).allowed).toBe(true);
      expect((await throttler.begin(attempt(email, '10.1.0.99'))).allowed).toBe(false);
      expect((await throttler.begin(attempt(freshEmail(), '10.1.0.99'))).allowed).toBe(true);
    });

    it('without an ip the ip scope is skipped, the others still count', async () => {
      const throttler = await make({ ip: { limit: 1 }, emailIp: { limit: 2 } });
      const email = freshEmail();
      expect((await fail(throttler, { email })).allowed).toBe(true);
      expect((await fail(throttler, { email })).allowed).toBe(true);
      expect((await throttler.begin({ email })).allowed).toBe(false);
    });

    it('concurrent attempts cannot slip past the limit: exactly `limit` of 30 are allowed', async () => {
      const throttler = await make();
      const a = attempt(freshEmail());
      const verdicts = await Promise.all(Array.from({ length: 30 }, () => throttler.begin(a)));
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
    });

    it('blocks back off exponentially after each further failure, capped at maxBlockMs', async () => {
      // The clock is moved, not waited for: blocks of minutes take no time, and the delays are exact.
      const throttler = await make({ emailIp: { limit: 2, blockMs: 60_000, maxBlockMs: 150_000 }, ip: false, account: false });
      const a = attempt(freshEmail());
      await fail(throttler, a);
      for (const blockMs of [60_000, 120_000, 150_000]) {
        expect((await fail(throttler, a)).allowed).toBe(true);
        const refused = await throttler.begin(a);
        expect(refused).toEqual({ allowed: false, retryAfterMs: blockMs });
        clock.advance(blockMs - 1);
        expect(await throttler.begin(a)).toEqual({ allowed: false, retryAfterMs: 1 });
        clock.advance(1);
        const probe = await throttler.begin(a);
        expect(probe.allowed).toBe(true);
        if (probe.allowed) await throttler.end(probe.ticket, 'aborted');
      }
    });

    it('a window ends windowMs after its first failure: older failures no longer count', async () => {
      const throttler = await make({ emailIp: { limit: 3, windowMs: 600_000 }, ip: false, account: false });
      const a = attempt(freshEmail());
      await fail(throttler, a);
      clock.advance(599_999);
      await fail(throttler, a);
      clock.advance(1);
      // The first window is over: this is failure 1 of a new window, not failure 3 of the old one.
      await fail(throttler, a);
      await fail(throttler, a);
      expect((await fail(throttler, a)).allowed).toBe(true);
      expect((await throttler.begin(a)).allowed).toBe(false);
    });

    it('the counter outlives a block by a window, so back-off keeps growing after the block ends', async () => {
      const throttler = await make({ emailIp: { limit: 2, windowMs: 60_000, blockMs: 1000, maxBlockMs: 600_000 }, ip: false, account: false });
      const a = attempt(freshEmail());
      await fail(throttler, a);
      await fail(throttler, a); // count 2: 1 s block
      clock.advance(59_000); // the first window (60 s) is nearly over; the block ended long ago
      await fail(throttler, a); // count 3: 2 s block
      clock.advance(2000); // past the first window's end, within the window that follows the block
      await fail(throttler, a); // count 4: 4 s block
      expect(await throttler.begin(a)).toEqual({ allowed: false, retryAfterMs: 4000 });
    });

    it('the attempt that set a block and then succeeds lifts it', async () => {
      const throttler = await make({ emailIp: false, account: false, ip: { limit: 2 } });
      const ip = '10.7.7.7';
      await fail(throttler, attempt(freshEmail(), ip));
      const second = await throttler.begin(attempt(freshEmail(), ip));
      expect(second.allowed).toBe(true);
      expect((await throttler.begin(attempt(freshEmail(), ip))).allowed).toBe(false);
      if (second.allowed) await throttler.end(second.ticket, 'success');
      expect((await throttler.begin(attempt(freshEmail(), ip))).allowed).toBe(true);
    });
  });
}
