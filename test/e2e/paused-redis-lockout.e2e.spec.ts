import type Redis from 'ioredis';
import { createRedisClient } from '../support/redis-client';
import { RedisServer } from '../support/redis-server';
import { http, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, eventually, strongPassword } from '../support/abuse-app';

/**
 * Finding 8 of issue 10: during a CLIENT PAUSE, logins time out with 503, but Redis ran their throttle
 * increments once it resumed and locked the user out. A hit that timed out is now cancelled right behind it
 * on the same connection (the in-process fallback limiter counted the attempt instead).
 */
describe('throttle increments of logins that timed out during CLIENT PAUSE', () => {
  let redis: RedisServer;
  let admin: Redis;
  let t: AbuseApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = createRedisClient({}, redis.url);
    t = await createAbuseApp({ redis: { url: redis.url } });
  });

  afterAll(async () => {
    admin?.disconnect();
    await t?.close();
    await redis?.stop();
  });

  it('5 correct logins answered 503 during CLIENT PAUSE 3000 do not lock the user out once Redis resumes', async () => {
    const email = uniqueEmail('pause');
    const password = strongPassword();
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password } });
    expect(reg.status).toBe(201);
    await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
    const during = await Promise.all(
      Array.from({ length: 5 }, () => http(t.url, 'POST', '/auth/login', { json: { email, password }, timeoutMs: 2500 })),
    );
    expect(during.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    // Wait for the pause to end with a request that touches no throttle counter.
    expect(await eventually(async () => (await http(t.url, 'GET', '/auth/me', { token: reg.body.accessToken })).status === 200, 60)).toBe(true);

    const after = await http(t.url, 'POST', '/auth/login', { json: { email, password } });
    expect(after.status).toBe(200);
    // ...and the wrong-password budget is whole again: 5 failures, then the block.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await http(t.url, 'POST', '/auth/login', { json: { email, password: 'not the password' } })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
