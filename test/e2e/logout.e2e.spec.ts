import { commandsSentDuring } from '../support/redis-monitor';
import { cookieValue } from '../support/abuse-app';
import { decodeJwt, forgeHmac } from '../support/jwt-forge';
import { createTestApp, http, type HttpResult, TEST_SECRET, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery';

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

    /** The refresh cookie of a response, as a `Cookie` header. */
    function jar(setCookie: string[]): string {
      const value = cookieValue(setCookie, 'authkit_rt');
      if (!value) throw new Error('no refresh cookie set');
      return `authkit_rt=${value}`;
    }

    async function cookieSession(email: string) {
      const res = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
      expect(res.status).toBe(200);
      return { accessToken: res.body.accessToken as string, refreshToken: res.body.refreshToken as string, cookie: jar(res.setCookie) };
    }

    /** The same claims, correctly signed, expired a minute ago. */
    function expired(accessToken: string): string {
      const { header, payload } = decodeJwt(accessToken);
      const now = Math.floor(Date.now() / 1000);
      return forgeHmac(header, { ...payload, iat: now - 120, exp: now - 60 }, TEST_SECRET);
    }

    const clearsCookie = (res: HttpResult) => res.setCookie.some((c) => c.startsWith('authkit_rt=;') && /Max-Age=0/.test(c));

    it('an expired access token does not stop logout: the refresh cookie\'s session ends and the cookie is cleared', async () => {
      const session = await cookieSession(await signUp());
      const res = await http(t.url, 'POST', '/auth/logout', { token: expired(session.accessToken), cookie: session.cookie });
      expect(res.status).toBe(204);
      expect(clearsCookie(res)).toBe(true);
      const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: session.refreshToken } });
      expect(refreshed.status).toBe(401);
      expect((await http(t.url, 'GET', '/auth/me', { token: session.accessToken })).status).toBe(401);
    });

    it('a stale access token (its session already ended) still ends the cookie\'s session and clears the cookie', async () => {
      const email = await signUp();
      const ended = await cookieSession(email);
      const live = await cookieSession(email);
      expect((await http(t.url, 'POST', '/auth/logout', { token: ended.accessToken })).status).toBe(204);

      const res = await http(t.url, 'POST', '/auth/logout', { token: ended.accessToken, cookie: live.cookie });
      expect(res.status).toBe(204);
      expect(clearsCookie(res)).toBe(true);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: live.refreshToken } })).status).toBe(401);

      // The cookie of the ended session itself: nothing left to end, the stale token's 401 stays, the cookie is cleared.
      const again = await http(t.url, 'POST', '/auth/logout', { token: ended.accessToken, cookie: ended.cookie });
      expect([again.status, again.body.code]).toEqual([401, 'session_revoked']);
      expect(clearsCookie(again)).toBe(true);
    });

    it('an expired access token without a refresh cookie is still 401 (nothing to end)', async () => {
      const session = await cookieSession(await signUp());
      const res = await http(t.url, 'POST', '/auth/logout', { token: expired(session.accessToken) });
      expect([res.status, res.body.code]).toEqual([401, 'access_token_expired']);
      expect((await http(t.url, 'GET', '/auth/me', { token: session.accessToken })).status).toBe(200);
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
