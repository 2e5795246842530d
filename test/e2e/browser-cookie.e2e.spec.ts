import { request as httpRequest } from 'node:http';
import { CapturingLogger, cookieValue, createAbuseApp, type AbuseApp, strongPassword } from '../support/abuse-app';
import { http, uniqueEmail } from '../support/test-app';

/** The refresh cookie of a response, as a `Cookie` header. */
function jar(setCookie: string[]): string {
  const value = cookieValue(setCookie, 'authkit_rt');
  if (!value) throw new Error('no refresh cookie set');
  return `authkit_rt=${value}`;
}

/** What a browser needs from the cookie routes (issue 13): dead cookies removed, logout by cookie alone. */
describe('refresh cookie lifecycle for browsers', () => {
  let t: AbuseApp;

  beforeAll(async () => {
    t = await createAbuseApp({ refreshTokenTransport: 'cookie', reuseWindowMs: 5000, allowedOrigins: ['http://localhost:5173'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function signUp() {
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('cookie'), password: strongPassword() } });
    expect(reg.status).toBe(201);
    return { cookie: jar(reg.setCookie), accessToken: reg.body.accessToken as string };
  }

  const CLEARED = 'authkit_rt=; Path=/auth; HttpOnly; SameSite=Strict; Max-Age=0';

  it('a refresh that can never succeed clears the cookie: invalid (forged, ended session) and reused', async () => {
    const forged = await http(t.url, 'POST', '/auth/refresh', { cookie: 'authkit_rt=not-a-token' });
    expect([forged.status, forged.body.code]).toEqual([401, 'refresh_token_invalid']);
    expect(forged.setCookie).toEqual([CLEARED]);

    const ended = await signUp();
    expect((await http(t.url, 'POST', '/auth/logout', { token: ended.accessToken })).status).toBe(204);
    const afterLogout = await http(t.url, 'POST', '/auth/refresh', { cookie: ended.cookie });
    expect([afterLogout.status, afterLogout.body.code]).toEqual([401, 'refresh_token_invalid']);
    expect(afterLogout.setCookie).toEqual([CLEARED]);

    // An old token replayed after a newer one was used: theft, the session is revoked and the cookie cleared.
    const user = await signUp();
    const first = await http(t.url, 'POST', '/auth/refresh', { cookie: user.cookie });
    const second = await http(t.url, 'POST', '/auth/refresh', { cookie: jar(first.setCookie) });
    expect([first.status, second.status]).toEqual([200, 200]);
    const replay = await http(t.url, 'POST', '/auth/refresh', { cookie: user.cookie });
    expect([replay.status, replay.body.code]).toEqual([401, 'refresh_token_reused']);
    expect(replay.setCookie).toEqual([CLEARED]);
  });

  it('a concurrent duplicate gets the same new cookie (idempotent rotation), and cross-site refusals leave the cookie alone', async () => {
    const user = await signUp();
    const winner = await http(t.url, 'POST', '/auth/refresh', { cookie: user.cookie });
    expect(winner.status).toBe(200);
    const duplicate = await http(t.url, 'POST', '/auth/refresh', { cookie: user.cookie });
    expect(duplicate.status).toBe(200);
    // The same cookie as the winner's: whichever response the jar keeps, every tab holds the current token.
    expect(duplicate.setCookie).toEqual(winner.setCookie);
    const next = jar(winner.setCookie);
    const foreign = await http(t.url, 'POST', '/auth/refresh', { cookie: next, headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.setCookie).toEqual([]);
    expect((await http(t.url, 'POST', '/auth/refresh', { cookie: next })).status).toBe(200);
  });

  it('POST /auth/logout with the refresh cookie alone ends that session and clears the cookie', async () => {
    const user = await signUp();
    const logout = await http(t.url, 'POST', '/auth/logout', { cookie: user.cookie, headers: { origin: 'http://localhost:5173' } });
    expect(logout.status).toBe(204);
    expect(logout.setCookie).toEqual([CLEARED]);
    const me = await http(t.url, 'GET', '/auth/me', { token: user.accessToken });
    expect([me.status, me.body.code]).toEqual([401, 'session_revoked']);
    expect((await http(t.url, 'POST', '/auth/refresh', { cookie: user.cookie })).status).toBe(401);
  });

  it('logout by cookie follows the CSRF rules of refresh: cross-site -> 403, the session survives', async () => {
    const user = await signUp();
    for (const headers of [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
      const refused = await http(t.url, 'POST', '/auth/logout', { cookie: user.cookie, headers });
      expect([refused.status, refused.body.code]).toEqual([403, 'cross_site_request']);
      expect(refused.setCookie).toEqual([]);
    }
    expect((await http(t.url, 'GET', '/auth/me', { token: user.accessToken })).status).toBe(200);
  });

  it('logout by cookie: an unknown or malformed cookie is cleared (204, nothing revoked); no cookie and no token -> 401', async () => {
    const bystander = await signUp();
    const garbage = await http(t.url, 'POST', '/auth/logout', { cookie: 'authkit_rt=garbage' });
    expect(garbage.status).toBe(204);
    expect(garbage.setCookie).toEqual([CLEARED]);
    expect((await http(t.url, 'GET', '/auth/me', { token: bystander.accessToken })).status).toBe(200);
    const none = await http(t.url, 'POST', '/auth/logout');
    expect([none.status, none.body.code]).toEqual([401, 'access_token_missing']);
    // Logout never depends on the access token (issue 22, item 7): a bad one beside a good cookie changes nothing,
    // the cookie's session ends (the cookie alone could end it) and the cookie is cleared.
    const badBearer = await http(t.url, 'POST', '/auth/logout', { token: 'x.y.z', cookie: bystander.cookie });
    expect(badBearer.status).toBe(204);
    expect(badBearer.setCookie).toEqual([CLEARED]);
    expect((await http(t.url, 'GET', '/auth/me', { token: bystander.accessToken })).status).toBe(401);
  });

  it('logout with a rotated (older) cookie still ends the session', async () => {
    const user = await signUp();
    const rotated = await http(t.url, 'POST', '/auth/refresh', { cookie: user.cookie });
    expect(rotated.status).toBe(200);
    expect((await http(t.url, 'POST', '/auth/logout', { cookie: user.cookie })).status).toBe(204);
    expect((await http(t.url, 'GET', '/auth/me', { token: rotated.body.accessToken })).status).toBe(401);
  });
});

/** A raw request with a chosen Host header (fetch does not let one set it). */
function postWithHost(url: string, path: string, host: string, body: unknown, extra: Record<string, string> = {}): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, {
      method: 'POST',
      headers: { host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...extra },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('a Secure refresh cookie over plain http to a host that is not loopback', () => {
  it('is logged once, naming the host and the fix, never the token; loopback, https proxies and insecure cookies are quiet', async () => {
    const logger = new CapturingLogger();
    const secure = await createAbuseApp({ refreshTokenTransport: 'cookie', cookie: { secure: true } }, { logger });
    const insecure = await createAbuseApp({ refreshTokenTransport: 'cookie', cookie: { secure: false } }, { logger });
    const warnings = () => logger.lines.filter((l) => l.includes('reached the app over plain http'));
    try {
      const register = (app: AbuseApp, host: string, extra?: Record<string, string>) =>
        postWithHost(app.url, '/auth/register', host, { email: uniqueEmail('lan'), password: strongPassword() }, extra);
      expect(await register(secure, 'localhost:3000')).toBe(201);
      expect(await register(secure, '127.0.0.1:3000')).toBe(201);
      expect(await register(secure, 'app.localhost')).toBe(201);
      expect(await register(secure, '[::1]:3000')).toBe(201);
      expect(await register(secure, 'app.example.com', { 'x-forwarded-proto': 'https' })).toBe(201);
      expect(await register(insecure, '192.168.1.20:3000')).toBe(201);
      expect(warnings()).toEqual([]);

      expect(await register(secure, '192.168.1.20:3000')).toBe(201);
      expect(await register(secure, 'api-container:3000')).toBe(201);
      expect(warnings()).toHaveLength(1);
      const [line] = warnings();
      expect(line).toContain('__Secure-authkit_rt');
      expect(line).toContain('"192.168.1.20"');
      expect(line).toContain('refresh_token_missing');
      expect(line).not.toMatch(/[A-Za-z0-9_-]{40,}/);
    } finally {
      await secure.close();
      await insecure.close();
    }
  });
});
