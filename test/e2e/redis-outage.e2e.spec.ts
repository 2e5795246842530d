import { Controller, Get } from '@nestjs/common';
import { type AuthenticatedUser, CurrentUser, OptionalAuth } from '../../lib';
import { RedisServer } from '../support/redis-server';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery';

@Controller()
class OptionalRoutes {
  @OptionalAuth()
  @Get('maybe')
  maybe(@CurrentUser() user: AuthenticatedUser | undefined): { user: string | null } {
    return { user: user?.id ?? null };
  }
}

/** Redis taken away and brought back under a running app (its own redis-server, so other suites are untouched). */
describe('Redis outage (fail closed, recover by itself)', () => {
  let redis: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    redis = await RedisServer.start({ persist: true });
    t = await createTestApp({ redis: { url: redis.url } }, {}, { controllers: [OptionalRoutes] });
  });

  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('login and authenticated requests get 503 store_unavailable within 2 s while Redis is down, and work again after', async () => {
    const email = uniqueEmail();
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(reg.status).toBe(201);
    const token = reg.body.accessToken;
    expect((await http(t.url, 'GET', '/profile', { token })).status).toBe(200);

    await redis.stop();

    // The 2 s abort makes a hang fail the test.
    const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD }, timeoutMs: 2000 });
    expect(login.status).toBe(503);
    expect(login.body).toMatchObject({ statusCode: 503, code: 'store_unavailable' });
    expect(login.body.accessToken).toBeUndefined();
    expect(login.headers.get('retry-after')).toBe('1');
    const guarded = await http(t.url, 'GET', '/profile', { token, timeoutMs: 2000 });
    expect(guarded.status).toBe(503);
    expect(guarded.body.code).toBe('store_unavailable');
    expect(guarded.headers.get('retry-after')).toBe('1');
    // @OptionalAuth() with a token it cannot check: 503 too, never a silent downgrade to anonymous.
    const optional = await http(t.url, 'GET', '/maybe', { token, timeoutMs: 2000 });
    expect([optional.status, optional.body.code]).toEqual([503, 'store_unavailable']);
    expect((await http(t.url, 'GET', '/maybe', { timeoutMs: 2000 })).body).toEqual({ user: null });
    // A public route without I/O is unaffected.
    expect((await http(t.url, 'GET', '/', { timeoutMs: 2000 })).status).toBe(200);

    await redis.start();
    // The client reconnects by itself (back-off capped at 1 s): poll rather than sleep a fixed time.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await http(t.url, 'GET', '/profile', { token })).status;
    }
    expect(status).toBe(200);
    expect((await http(t.url, 'GET', '/maybe', { token })).body).toEqual({ user: reg.body.user.id });
    const relogin = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(relogin.status).toBe(200);
    expect((await http(t.url, 'GET', '/profile', { token: relogin.body.accessToken })).status).toBe(200);
  });
});
