import { MemoryLoginThrottler } from '../../../lib/adapters/memory/memory-login.throttler';
import { MemoryRouteThrottle } from '../../../lib/adapters/memory/memory-route.throttle';
import { InvalidCredentialsError, TooManyAttemptsError, TooManyRequestsError, ValidationFailedError } from '../../../lib/core/errors/auth.errors';
import type { LoginThrottler, ThrottleTicket } from '../../../lib/core/ports/login-throttler.interface';
import type { RateLimitHit, RouteThrottle } from '../../../lib/core/ports/route-throttle.interface';
import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';
import { RouteLimiter } from '../../../lib/core/throttling/route-limiter';
import { throttledLogin } from '../../../lib/core/throttling/throttled-login';
import { throttleRoute } from '../../../lib/core/throttling/throttled-route';

/** throttledLogin and throttleRoute over the in-process adapters (real counting, an injected clock). */
const rule = { scope: 'emailIp' as const, limit: 2, windowMs: 60_000, blockMs: 30_000, maxBlockMs: 60_000 };
const attempt = { email: 'a@example.test', ip: '203.0.113.7' };

/** The throttler's outcomes as `throttledLogin` reported them. */
function recording(inner: LoginThrottler): { throttler: LoginThrottler; outcomes: string[] } {
  const outcomes: string[] = [];
  return {
    outcomes,
    throttler: {
      begin: (a) => inner.begin(a),
      end: (ticket: ThrottleTicket, outcome) => {
        outcomes.push(outcome);
        return inner.end(ticket, outcome);
      },
    },
  };
}

describe('throttledLogin', () => {
  const clock = 1_000_000;
  const throttlers: Array<{ close(): void }> = [];
  const memory = () => {
    const throttler = new MemoryLoginThrottler([rule], 1000, () => clock);
    throttlers.push(throttler);
    return throttler;
  };
  afterEach(() => throttlers.splice(0).forEach((t) => t.close()));

  it('a wrong password counts as a failure; at the limit the next attempt is refused before the check runs', async () => {
    const { throttler, outcomes } = recording(memory());
    const wrong = jest.fn(async () => {
      throw new InvalidCredentialsError();
    });
    await expect(throttledLogin(throttler, attempt, wrong)).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(throttledLogin(throttler, attempt, wrong)).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(outcomes).toEqual(['failure', 'failure']);
    const check = jest.fn(async () => 'ok');
    const refused = await throttledLogin(throttler, attempt, check).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyAttemptsError);
    expect((refused as TooManyAttemptsError).retryAfterSeconds).toBe(30);
    expect(check).not.toHaveBeenCalled();
    expect(outcomes).toEqual(['failure', 'failure']);
  });

  it('a success returns the result and resets the email+ip counter', async () => {
    const { throttler, outcomes } = recording(memory());
    await expect(throttledLogin(throttler, attempt, async () => Promise.reject(new InvalidCredentialsError()))).rejects.toThrow();
    await expect(throttledLogin(throttler, attempt, async () => 'user')).resolves.toBe('user');
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcomes).toEqual(['failure', 'success']);
    // Reset: two more failures are allowed before a block.
    await expect(throttledLogin(throttler, attempt, async () => Promise.reject(new InvalidCredentialsError()))).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(throttledLogin(throttler, attempt, async () => 'again')).resolves.toBe('again');
  });

  it('any other error (bad input, store down) aborts: nothing counted, the error propagates unchanged', async () => {
    const { throttler, outcomes } = recording(memory());
    const bad = new ValidationFailedError(['email']);
    for (let i = 0; i < 5; i++) await expect(throttledLogin(throttler, attempt, async () => Promise.reject(bad))).rejects.toBe(bad);
    expect(outcomes).toEqual(Array(5).fill('aborted'));
    await expect(throttledLogin(throttler, attempt, async () => 'still allowed')).resolves.toBe('still allowed');
  });

  it('a settlement that fails never replaces the outcome of the check', async () => {
    const inner = memory();
    const failing: LoginThrottler = { begin: (a) => inner.begin(a), end: async () => Promise.reject(new Error('store down')) };
    await expect(throttledLogin(failing, attempt, async () => 'ok')).resolves.toBe('ok');
    const wrong = new InvalidCredentialsError();
    await expect(throttledLogin(failing, attempt, async () => Promise.reject(wrong))).rejects.toBe(wrong);
  });
});

describe('throttleRoute and RouteLimiter', () => {
  let clock = 5_000_000;
  const throttles: MemoryRouteThrottle[] = [];
  const memory = () => {
    const throttle = new MemoryRouteThrottle(1000, () => clock);
    throttles.push(throttle);
    return throttle;
  };
  afterEach(() => throttles.splice(0).forEach((t) => t.close()));
  const limits = { register: { ip: { limit: 2, windowMs: 10_000 }, email: { limit: 1, windowMs: 20_000 } } };

  function spying(inner: RouteThrottle): { throttle: RouteThrottle; calls: RateLimitHit[][] } {
    const calls: RateLimitHit[][] = [];
    return { calls, throttle: { consume: (hits) => (calls.push([...hits]), inner.consume(hits)) } };
  }

  it('charges every counter that is on and has a subject, under "<route>:<counter>"', async () => {
    const { throttle, calls } = spying(memory());
    await throttleRoute(throttle, limits, 'register', { ip: '203.0.113.7', email: 'a@example.test' });
    expect(calls).toEqual([[
      { bucket: 'register:ip', subject: '203.0.113.7', limit: limits.register.ip },
      { bucket: 'register:email', subject: 'a@example.test', limit: limits.register.email },
    ]]);
    await throttleRoute(throttle, limits, 'register', { ip: '203.0.113.8', email: undefined });
    expect(calls[1]).toEqual([{ bucket: 'register:ip', subject: '203.0.113.8', limit: limits.register.ip }]);
    // A counter switched off (absent from the resolved limits) is not charged.
    await throttleRoute(throttle, { register: { ip: limits.register.ip } }, 'register', { ip: '203.0.113.9', email: 'b@example.test' });
    expect(calls[2]).toEqual([{ bucket: 'register:ip', subject: '203.0.113.9', limit: limits.register.ip }]);
  });

  it('with nothing to charge, the store is not asked', async () => {
    const { throttle, calls } = spying(memory());
    await throttleRoute(throttle, limits, 'register', {});
    await throttleRoute(throttle, { register: {} }, 'register', { ip: '203.0.113.7' });
    expect(calls).toEqual([]);
  });

  it('refuses with 429 and Retry-After once a counter is full; other subjects go on', async () => {
    const throttle = memory();
    const limiter = new RouteLimiter(throttle, limits, new AuthEvents());
    await limiter.charge('register', { email: 'a@example.test' });
    const refused = await limiter.charge('register', { email: 'a@example.test' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBe(20);
    await expect(limiter.charge('register', { email: 'b@example.test' })).resolves.toBeUndefined();
    clock += 20_000;
    await expect(limiter.charge('register', { email: 'a@example.test' })).resolves.toBeUndefined();
  });

  it('a route nobody declared is a wiring mistake, refused (never left open)', async () => {
    const { throttle, calls } = spying(memory());
    await expect(throttleRoute(throttle, limits, 'oauthStart' as 'register', { ip: '203.0.113.7' })).rejects.toThrow(
      'nestjs-authkit: route "oauthStart" has no declared limits (a feature\'s routeLimits)',
    );
    expect(calls).toEqual([]);
  });
});
