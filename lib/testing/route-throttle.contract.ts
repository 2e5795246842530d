/// <reference types="jest" />
import { randomBytes } from 'node:crypto';
import type { RateLimitHit, RouteThrottle } from '../core/ports/route-throttle.interface';
import { ManualClock } from './manual-clock';

/** Builds a throttle (a fresh key space per call) that reads the time from `now` (epoch ms). */
export type RouteThrottleFactory = (now: () => number) => RouteThrottle | Promise<RouteThrottle>;

function subject(): string {
  return `s-${randomBytes(5).toString('hex')}`;
}

function hit(bucket: string, who: string, limit: number, windowMs = 60_000): RateLimitHit {
  return { bucket, subject: who, limit: { limit, windowMs } };
}

/**
 * The semantics every `RouteThrottle` adapter must have; the library's memory and Redis adapters run this same
 * suite, and an app can run it against its own adapter.
 *
 * @example
 * ```ts
 * describeRouteThrottleContract('MyRouteThrottle', (now) => new MyRouteThrottle(client, { now }));
 * ```
 */
export function describeRouteThrottleContract(name: string, factory: RouteThrottleFactory): void {
  describe(`RouteThrottle contract: ${name}`, () => {
    let clock: ManualClock;
    let throttle: RouteThrottle;
    beforeEach(async () => {
      clock = new ManualClock();
      throttle = await factory(clock.now);
    });

    it('allows `limit` requests per window, then refuses with the time left in the window', async () => {
      const who = subject();
      for (let i = 0; i < 3; i++) expect(await throttle.consume([hit('r:ip', who, 3)])).toEqual({ allowed: true });
      clock.advance(10_000);
      const refused = await throttle.consume([hit('r:ip', who, 3)]);
      expect(refused).toEqual({ allowed: false, retryAfterMs: 50_000, bucket: 'r:ip' });
      clock.advance(49_999);
      expect((await throttle.consume([hit('r:ip', who, 3)])).allowed).toBe(false);
      clock.advance(1);
      expect((await throttle.consume([hit('r:ip', who, 3)])).allowed).toBe(true);
    });

    it('buckets and subjects count apart', async () => {
      const who = subject();
      expect((await throttle.consume([hit('a', who, 1)])).allowed).toBe(true);
      expect((await throttle.consume([hit('a', who, 1)])).allowed).toBe(false);
      expect((await throttle.consume([hit('b', who, 1)])).allowed).toBe(true);
      expect((await throttle.consume([hit('a', subject(), 1)])).allowed).toBe(true);
    });

    it('a request is charged to every counter or to none: a refusal by one counter leaves the others as they were', async () => {
      const ip = subject();
      const emails = [subject(), subject(), subject()];
      expect((await throttle.consume([hit('reg:ip', ip, 2), hit('reg:email', emails[0], 1)])).allowed).toBe(true);
      // The email counter is full: refused, and the ip counter is not charged for it.
      for (let i = 0; i < 5; i++) {
        expect(await throttle.consume([hit('reg:ip', ip, 2), hit('reg:email', emails[0], 1)])).toMatchObject({ allowed: false, bucket: 'reg:email' });
      }
      expect((await throttle.consume([hit('reg:ip', ip, 2), hit('reg:email', emails[1], 1)])).allowed).toBe(true);
      expect(await throttle.consume([hit('reg:ip', ip, 2), hit('reg:email', emails[2], 1)])).toMatchObject({ allowed: false, bucket: 'reg:ip' });
      // ...and the refused request did not charge the fresh email either.
      expect((await throttle.consume([hit('reg:email', emails[2], 1)])).allowed).toBe(true);
    });

    it('refused requests do not extend the window', async () => {
      const who = subject();
      expect((await throttle.consume([hit('w', who, 1, 1000)])).allowed).toBe(true);
      for (let i = 0; i < 9; i++) {
        clock.advance(100);
        expect((await throttle.consume([hit('w', who, 1, 1000)])).allowed).toBe(false);
      }
      clock.advance(100);
      expect((await throttle.consume([hit('w', who, 1, 1000)])).allowed).toBe(true);
    });

    it('concurrent requests never pass the limit', async () => {
      const who = subject();
      const verdicts = await Promise.all(Array.from({ length: 25 }, () => throttle.consume([hit('c', who, 10)])));
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
    });

    it('no counter: always allowed', async () => {
      expect(await throttle.consume([])).toEqual({ allowed: true });
    });
  });
}
