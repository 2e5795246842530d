import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { createRedisClient } from '../support/redis-client';
import { RedisServer } from '../support/redis-server';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

/** A real redis-server at maxmemory with noeviction refuses writes with an OOM reply: that is "full", not "down". */
describe('Redis full (maxmemory, noeviction): 503 store_full and a log line that says so', () => {
  let redis: RedisServer;
  let admin: Redis;
  let t: TestApp;
  const errors: string[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = createRedisClient({}, redis.url);
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    t = await createTestApp({ redis: { url: redis.url } });
  });

  afterAll(async () => {
    await t?.close();
    admin?.disconnect();
    await redis?.stop();
    jest.restoreAllMocks();
  });

  it('writes answer 503 store_full with Retry-After while Redis is full, reads still work, and all recover once memory is freed', async () => {
    const email = uniqueEmail('full');
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(reg.status).toBe(201);
    expect(await admin.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    await admin.config('SET', 'maxmemory', '1');
    try {
      const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD }, timeoutMs: 3000 });
      expect([login.status, login.body.code]).toEqual([503, 'store_full']);
      expect(login.headers.get('retry-after')).toBe('1');
      const register = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('full2'), password: PASSWORD }, timeoutMs: 3000 });
      expect([register.status, register.body.code]).toEqual([503, 'store_full']);
      const refresh = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: reg.body.refreshToken }, timeoutMs: 3000 });
      expect([refresh.status, refresh.body.code]).toEqual([503, 'store_full']);
      // A read (the session check of a guarded route) is not a write: Redis still answers it.
      expect((await http(t.url, 'GET', '/profile', { token: reg.body.accessToken })).status).toBe(200);
      const full = errors.filter((line) => /Redis is full/.test(line));
      expect(full.length).toBeGreaterThanOrEqual(1);
      expect(full.length).toBeLessThanOrEqual(2); // rate-limited: not one line per request
      expect(errors.join('\n')).not.toContain(email.slice(0, email.indexOf('@')));
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
    const again = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(again.status).toBe(200);
  });
});
