import { randomBytes } from 'node:crypto';
import { type LoginAttempt, type LoginThrottler, type ScopedThrottleRule, type ThrottleOptions, type ThrottleVerdict } from '../../lib';
import { resolveThrottleRules } from '../../lib/throttling/throttle.options';
import { sleep } from '../support/time';

/** Builds a throttler with the given rules (a fresh key space per call). */
export type ThrottlerFactory = (rules: ScopedThrottleRule[]) => LoginThrottler | Promise<LoginThrottler>;

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
  const make = (options: ThrottleOptions = {}) => factory(resolveThrottleRules(options));

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
      const throttler = await make({ emailIp: { limit: 2, blockMs: 400, maxBlockMs: 1000 }, ip: false, account: false });
      const a = attempt(freshEmail());
      const expected = [400, 800, 1000];
      await fail(throttler, a);
      for (const blockMs of expected) {
        expect((await fail(throttler, a)).allowed).toBe(true);
        const refused = await throttler.begin(a);
        expect(refused.allowed).toBe(false);
        if (refused.allowed) return;
        expect(refused.retryAfterMs).toBeLessThanOrEqual(blockMs);
        // Strictly more than the previous (smaller) block: the delay grew.
        expect(refused.retryAfterMs).toBeGreaterThan(blockMs === 400 ? 0 : 400);
        await sleep(refused.retryAfterMs + 20);
        let allowed = false;
        for (let i = 0; i < 50 && !allowed; i++) {
          const probe = await throttler.begin(a);
          allowed = probe.allowed;
          if (probe.allowed) await throttler.end(probe.ticket, 'aborted');
          else await sleep(20);
        }
        expect(allowed).toBe(true);
      }
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
