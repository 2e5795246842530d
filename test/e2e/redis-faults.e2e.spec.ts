import type Redis from 'ioredis';
import { TokenService } from '../../lib';
import { MaxmemoryPolicyCheck, readMaxmemoryPolicy } from '../../lib/adapters/redis/maxmemory-policy.check';
import { createRedisClient } from '../support/redis-client';
import { RedisServer } from '../support/redis-server';
import { useOwnRedis } from '../support/own-redis';
import { http, type HttpResult, uniqueEmail } from '../support/test-app';
import { type AbuseApp, CapturingLogger, createAbuseApp, eventually, strongPassword } from '../support/abuse-app';

/** Each request is aborted after 2 s: a hang fails the test instead of passing late. */
const WITHIN_2S = { timeoutMs: 2000 };

function expectUnavailable(res: HttpResult, route: string): void {
  expect({ route, status: res.status }).toEqual({ route, status: 503 });
  expect(res.body).toEqual({ statusCode: 503, code: 'store_unavailable', message: expect.any(String) });
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(res.body.accessToken).toBeUndefined();
  expect(res.setCookie).toEqual([]);
}

async function signUp(t: AbuseApp) {
  const email = uniqueEmail('fault');
  const password = strongPassword();
  const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password } });
  expect(reg.status).toBe(201);
  return { email, password, accessToken: reg.body.accessToken as string, refreshToken: reg.body.refreshToken as string };
}

describe('Redis stopped under a running app', () => {
  let redis: RedisServer;
  let t: AbuseApp;

  beforeAll(async () => {
    redis = await RedisServer.start({ persist: true });
    t = await createAbuseApp({ redis: { url: redis.url } });
  });

  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('every route that needs Redis -> 503 + Retry-After within 2 s, no token; back -> the same refresh token rotates exactly once', async () => {
    const user = await signUp(t);
    const second = await http(t.url, 'POST', '/auth/login', { json: { email: user.email, password: user.password } });
    const sessions = await http(t.url, 'GET', '/auth/sessions', { token: user.accessToken });
    const otherSessionId = sessions.body.find((s: { current: boolean }) => !s.current).id;
    expect(second.status).toBe(200);

    await redis.stop();
    const token = user.accessToken;
    const calls: Array<[string, Promise<HttpResult>]> = [
      ['register', http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: strongPassword() }, ...WITHIN_2S })],
      ['login', http(t.url, 'POST', '/auth/login', { json: { email: user.email, password: user.password }, ...WITHIN_2S })],
      ['refresh', http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: user.refreshToken }, ...WITHIN_2S })],
      ['me', http(t.url, 'GET', '/auth/me', { token, ...WITHIN_2S })],
      ['sessions', http(t.url, 'GET', '/auth/sessions', { token, ...WITHIN_2S })],
      ['delete session', http(t.url, 'DELETE', `/auth/sessions/${otherSessionId}`, { token, ...WITHIN_2S })],
      ['logout', http(t.url, 'POST', '/auth/logout', { token, ...WITHIN_2S })],
      ['logout-all', http(t.url, 'POST', '/auth/logout-all', { token, ...WITHIN_2S })],
      ['a guarded app route', http(t.url, 'GET', '/profile', { token, ...WITHIN_2S })],
    ];
    for (const [route, pending] of calls) expectUnavailable(await pending, route);
    expect((await http(t.url, 'GET', '/', WITHIN_2S)).status).toBe(200); // no I/O, unaffected

    await redis.start();
    expect(await eventually(async () => (await http(t.url, 'GET', '/auth/me', { token })).status === 200)).toBe(true);
    // Nothing done during the outage happened: the refresh token is still current, once.
    const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: user.refreshToken } });
    expect(refreshed.status).toBe(200);
    // It rotated exactly once: a repeat within the reuse window is answered with the same new token.
    const again = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: user.refreshToken } });
    expect(again.status).toBe(200);
    expect(again.body.refreshToken).toBe(refreshed.body.refreshToken);
    expect((await http(t.url, 'GET', '/auth/sessions', { token: refreshed.body.accessToken })).body).toHaveLength(2);
  });
});

describe('slow Redis (CLIENT PAUSE)', () => {
  const own = useOwnRedis((url) => createAbuseApp({ redis: { url } }));

  it('requests get 503 by the command timeout, not a hang, and recover when Redis resumes', async () => {
    const user = await signUp(own.app);
    await own.admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
    const results = await Promise.all([
      http(own.app.url, 'GET', '/auth/me', { token: user.accessToken, ...WITHIN_2S }),
      http(own.app.url, 'POST', '/auth/login', { json: { email: user.email, password: user.password }, ...WITHIN_2S }),
      http(own.app.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: strongPassword() }, ...WITHIN_2S }),
      http(own.app.url, 'GET', '/profile', { token: user.accessToken, ...WITHIN_2S }),
    ]);
    results.forEach((res, i) => expectUnavailable(res, ['me', 'login', 'register', 'profile'][i]));
    expect(await eventually(async () => (await http(own.app.url, 'GET', '/auth/me', { token: user.accessToken })).status === 200, 60)).toBe(true);
  });
});

describe('start-up with Redis down', () => {
  it('the app starts, serves 503 until Redis appears, then works; the eviction check runs when it appears', async () => {
    const redis = await RedisServer.start();
    await redis.stop();
    const logger = new CapturingLogger();
    const t = await createAbuseApp({ redis: { url: redis.url } }, { logger });
    try {
      const check = jest.spyOn(t.app.get(MaxmemoryPolicyCheck), 'check');
      expect((await http(t.url, 'GET', '/', WITHIN_2S)).status).toBe(200);
      expectUnavailable(await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: strongPassword() }, ...WITHIN_2S }), 'register');
      const wellFormed = t.app.get(TokenService).createRefreshToken('someone').refreshToken; // passes the MAC check
      expectUnavailable(await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: wellFormed }, ...WITHIN_2S }), 'refresh');
      expectUnavailable(await http(t.url, 'POST', '/auth/login', { json: { email: uniqueEmail(), password: strongPassword() }, ...WITHIN_2S }), 'login');
      expect(check).not.toHaveBeenCalled();

      await redis.start();
      expect(await eventually(async () =>
        (await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: strongPassword() } })).status === 201, 60)).toBe(true);
      expect(await eventually(async () => check.mock.calls.length > 0)).toBe(true);
      await expect(check.mock.results[0].value).resolves.toBe('noeviction');
      expect(logger.text('warn')).not.toContain('maxmemory-policy');
    } finally {
      await t.close();
      await redis.stop();
    }
  });
});

describe('maxmemory-policy start-up check', () => {
  it('warns loudly when Redis may evict keys, at start-up and again after a reconnection', async () => {
    const redis = await RedisServer.start();
    const admin = createRedisClient({}, redis.url);
    const logger = new CapturingLogger();
    let t: AbuseApp | undefined;
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      t = await createAbuseApp({ redis: { url: redis.url } }, { logger });
      const warned = () => logger.lines.filter((l) => l.startsWith('warn ') && l.includes('maxmemory-policy') && l.includes('allkeys-lru')).length;
      expect(await eventually(async () => warned() === 1)).toBe(true);
      expect(logger.text('warn')).toContain('noeviction');

      await admin.config('SET', 'maxmemory-policy', 'volatile-ttl');
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      expect(await eventually(async () => logger.text('warn').includes('"volatile-ttl"'))).toBe(true);
    } finally {
      admin.disconnect();
      await t?.close();
      await redis.stop();
    }
  });

  it('is silent with noeviction; reads the policy from INFO', async () => {
    const logger = new CapturingLogger();
    const t = await createAbuseApp({}, { logger });
    const client = createRedisClient();
    try {
      expect(await readMaxmemoryPolicy(client)).toBe('noeviction');
      expect(await t.app.get(MaxmemoryPolicyCheck).check()).toBe('noeviction');
      expect(logger.text('warn')).not.toContain('maxmemory-policy');
    } finally {
      client.disconnect();
      await t.close();
    }
  });
});
