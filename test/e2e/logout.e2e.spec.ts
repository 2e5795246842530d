import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { createRedisClient } from '../support/redis-client';
import { createTestApp, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';
import { sleep } from '../support/time';

const PASSWORD = 'correct horse battery';

interface Seen {
  args: string[];
  source: string;
}

/**
 * The Redis commands one app (its key prefix) sends while `action` runs, read from MONITOR on the shared test
 * server between two ECHO markers; commands run inside scripts (`lua`) are left out: a script call counts once.
 */
async function commandsSentDuring(keyPrefix: string, action: () => Promise<unknown>): Promise<string[]> {
  const client = createRedisClient();
  const monitorBase = createRedisClient();
  const monitor: Redis = await monitorBase.monitor(); // a second connection, in MONITOR mode
  try {
    const seen: Seen[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ args, source }));
    const tag = randomBytes(6).toString('hex');
    const markerAt = (marker: string) => seen.findIndex((e) => e.args[0]?.toLowerCase() === 'echo' && e.args[1] === marker);
    await client.echo(`start-${tag}`);
    await action();
    await client.echo(`end-${tag}`);
    // MONITOR output arrives asynchronously: poll (up to 2 s) for the end marker.
    for (let i = 0; i < 100 && markerAt(`end-${tag}`) < 0; i++) await sleep(20);
    const start = markerAt(`start-${tag}`);
    const end = markerAt(`end-${tag}`);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    return seen
      .slice(start + 1, end)
      .filter((e) => e.source !== 'lua' && e.args.some((arg) => arg.startsWith(`${keyPrefix}:`)))
      .map((e) => e.args[0].toLowerCase());
  } finally {
    monitor.disconnect();
    monitorBase.disconnect();
    client.disconnect();
  }
}

describe('POST /auth/logout (real HTTP server, real Redis)', () => {
  describe("default 'session' mode", () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp();
    });

    afterAll(async () => {
      await t.close();
    });

    async function login(email: string) {
      const res = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
      expect(res.status).toBe(200);
      return res.body as { accessToken: string; refreshToken: string };
    }

    async function signUp() {
      const email = uniqueEmail('logout');
      expect((await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } })).status).toBe(201);
      return email;
    }

    it('ends the session of the access token in one Redis round trip (the revoke script, no guard read)', async () => {
      const warmUp = await login(await signUp()); // loads the script, so the measured call is one EVALSHA
      expect((await http(t.url, 'POST', '/auth/logout', { token: warmUp.accessToken })).status).toBe(204);

      const email = await signUp();
      const ending = await login(email);
      const other = await login(email);
      let status = 0;
      const sent = await commandsSentDuring(t.keyPrefix, async () => {
        status = (await http(t.url, 'POST', '/auth/logout', { token: ending.accessToken })).status;
      });
      expect(status).toBe(204);
      expect(sent).toEqual(['evalsha']);

      const me = await http(t.url, 'GET', '/auth/me', { token: ending.accessToken });
      expect([me.status, me.body.code]).toEqual([401, 'session_revoked']);
      // Only the caller's session ended.
      expect((await http(t.url, 'GET', '/auth/me', { token: other.accessToken })).status).toBe(200);
      const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: ending.refreshToken } });
      expect([refreshed.status, refreshed.body.code]).toEqual([401, 'refresh_token_invalid']);
    });

    it('an ended session answers 401 session_revoked (WWW-Authenticate, cookie kept), still in one round trip', async () => {
      const session = await login(await signUp());
      expect((await http(t.url, 'POST', '/auth/logout', { token: session.accessToken })).status).toBe(204);
      let again: HttpResult | undefined;
      const sent = await commandsSentDuring(t.keyPrefix, async () => {
        again = await http(t.url, 'POST', '/auth/logout', { token: session.accessToken });
      });
      expect([again?.status, again?.body.code]).toEqual([401, 'session_revoked']);
      expect(again?.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(again?.setCookie).toEqual([]);
      expect(sent).toEqual(['evalsha']);
    });

    it('a token whose signature does not verify is refused before any Redis command', async () => {
      const session = await login(await signUp());
      const [head, payload] = session.accessToken.split('.');
      let refused: HttpResult | undefined;
      const sent = await commandsSentDuring(t.keyPrefix, async () => {
        refused = await http(t.url, 'POST', '/auth/logout', { token: `${head}.${payload}.${'A'.repeat(43)}` });
      });
      expect(refused?.status).toBe(401);
      expect(sent).toEqual([]);
      expect((await http(t.url, 'GET', '/auth/me', { token: session.accessToken })).status).toBe(200);
    });
  });

  describe("'stateless' mode", () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ accessTokenValidation: 'stateless' });
    });

    afterAll(async () => {
      await t.close();
    });

    it('logout stays idempotent: an already ended session answers 204 again, as before', async () => {
      const email = uniqueEmail('stateless-logout');
      const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      expect(reg.status).toBe(201);
      expect((await http(t.url, 'POST', '/auth/logout', { token: reg.body.accessToken })).status).toBe(204);
      expect((await http(t.url, 'POST', '/auth/logout', { token: reg.body.accessToken })).status).toBe(204);
      const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: reg.body.refreshToken } });
      expect(refreshed.status).toBe(401);
    });
  });
});
