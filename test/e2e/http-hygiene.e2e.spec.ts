import { Test } from '@nestjs/testing';
import { createHash, randomBytes } from 'node:crypto';
import { AuthExceptionFilter, AuthModule } from '../../lib';
import { baseTestOptions, http, uniqueEmail } from '../support/test-app';
import { createPlatformApp } from '../support/http-adapter';
import { type AbuseApp, CapturingLogger, createAbuseApp, strongPassword } from '../support/abuse-app';

/** Issue 10, findings 11, 13 and 16: HTTP hygiene of the auth routes. */
describe('HTTP hygiene of the auth routes (real HTTP, real Redis)', () => {
  let t: AbuseApp;
  let logger: CapturingLogger;

  beforeAll(async () => {
    logger = new CapturingLogger();
    t = await createAbuseApp({ throttle: { emailIp: { limit: 3 } } }, { logger, trustProxy: 'loopback' });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function signUp() {
    const email = uniqueEmail('hyg');
    const password = strongPassword();
    const res = await http(t.url, 'POST', '/auth/register', { json: { email, password } });
    expect(res.status).toBe(201);
    return { email, password, accessToken: res.body.accessToken as string, userId: res.body.user.id as string };
  }

  it.each(['gzip', 'deflate', 'br'])('Content-Encoding: %s with a junk body -> 400 malformed_body, nothing logged as an error', async (encoding) => {
    const before = logger.text('error');
    const res = await http(t.url, 'POST', '/auth/login', {
      body: 'certainly not compressed', headers: { 'content-type': 'application/json', 'content-encoding': encoding },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, code: 'malformed_body', message: 'Malformed request body' });
    expect(logger.text('error')).toBe(before);
  });

  it('the refresh cookie Path is the auth prefix, also when login is reached as /auth/login/', async () => {
    const { email, password } = await signUp();
    for (const path of ['/auth/login', '/auth/login/']) {
      const res = await http(t.url, 'POST', path, { json: { email, password } });
      expect(res.status).toBe(200);
      expect(res.setCookie.find((c) => c.startsWith('authkit_rt='))).toMatch(/; Path=\/auth;/);
    }
  });

  it('/auth/me is never cached; logout and logout-all clear the refresh cookie but send no Clear-Site-Data by default', async () => {
    const u = await signUp();
    const me = await http(t.url, 'GET', '/auth/me', { token: u.accessToken });
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    const logout = await http(t.url, 'POST', '/auth/logout', { token: u.accessToken });
    expect(logout.status).toBe(204);
    expect(logout.setCookie.find((c) => c.startsWith('authkit_rt='))).toMatch(/Max-Age=0/);
    // Clear-Site-Data: "cookies" would clear every cookie of the registrable domain (other apps' too): opt-in.
    expect(logout.headers.get('clear-site-data')).toBeNull();
    const again = await signUp();
    const all = await http(t.url, 'POST', '/auth/logout-all', { token: again.accessToken });
    expect(all.status).toBe(204);
    expect(all.headers.get('clear-site-data')).toBeNull();
  });

  it('login checks any 1..128-character password: a 3-character wrong one is 401 invalid_credentials, not 400', async () => {
    const u = await signUp();
    const res = await http(t.url, 'POST', '/auth/login', { json: { email: u.email, password: 'abc' } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, code: 'invalid_credentials', message: 'Invalid email or password' });
    expect((await http(t.url, 'POST', '/auth/login', { json: { email: u.email, password: '' } })).status).toBe(400);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email: u.email, password: 'x'.repeat(129) } })).status).toBe(400);
  });

  it('failed logins, lockouts and revocations are structured security log lines, with no email, password or token in them', async () => {
    const u = await signUp();
    const from = logger.lines.length;
    for (let i = 0; i < 4; i++) {
      await http(t.url, 'POST', '/auth/login', { json: { email: u.email, password: 'wrong password here' }, headers: { 'x-forwarded-for': '::ffff:203.0.113.9' } });
    }
    await http(t.url, 'POST', '/auth/logout-all', { token: u.accessToken });
    const lines = logger.lines.slice(from);
    const events = lines
      .map((line) => /\{"securityEvent".*\}/.exec(line)?.[0])
      .filter((json): json is string => json !== undefined)
      .map((json) => JSON.parse(json) as Record<string, unknown>);
    expect(events.map((e) => e.securityEvent)).toEqual(['login_failed', 'login_failed', 'login_failed', 'login_throttled', 'sessions_revoked']);
    expect(events[0]).toEqual({ securityEvent: 'login_failed', emailHash: expect.stringMatching(/^[0-9a-f]{16}$/), ip: '203.0.113.9' });
    expect(events[4]).toMatchObject({ securityEvent: 'sessions_revoked', userId: u.userId, count: 1 });
    // The pseudonym is keyed (HMAC under a server key): stable per email, not the plain SHA-256 a candidate list reverses.
    expect(new Set(events.slice(0, 4).map((e) => e.emailHash)).size).toBe(1);
    expect(events[0].emailHash).not.toBe(createHash('sha256').update(u.email).digest('hex').slice(0, 16));
    const text = lines.join('\n');
    expect(text).not.toContain(u.email);
    expect(text).not.toContain('wrong password here');
    expect(text).not.toContain(u.password);
    expect(text).not.toContain(u.accessToken.split('.')[2]);
  });
});

// Its own app (and Nest's global logger with it): after the suite above, whose log lines it would otherwise swallow.
describe('Clear-Site-Data on logout (opt-in)', () => {
  it('with clearSiteDataOnLogout: logout and logout-all send Clear-Site-Data: "cookies"', async () => {
    const own = await createAbuseApp({ clearSiteDataOnLogout: true });
    try {
      for (const route of ['/auth/logout', '/auth/logout-all']) {
        const reg = await http(own.url, 'POST', '/auth/register', { json: { email: uniqueEmail('csd'), password: strongPassword() } });
        const res = await http(own.url, 'POST', route, { token: reg.body.accessToken });
        expect({ route, status: res.status, header: res.headers.get('clear-site-data') }).toEqual({ route, status: 204, header: '"cookies"' });
      }
    } finally {
      await own.close();
    }
  });
});

describe('refresh cookie Path with a global prefix and a custom routePrefix', () => {
  it('global prefix "api" + routePrefix "account": Path=/api/account, whatever the URL spelling', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ ...baseTestOptions(`t${randomBytes(4).toString('hex')}`), routePrefix: 'account' })],
    }).compile();
    const app = createPlatformApp(moduleRef, { logger: false });
    app.setGlobalPrefix('api');
    app.useGlobalFilters(app.get(AuthExceptionFilter));
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    try {
      const email = uniqueEmail('prefix');
      const password = strongPassword();
      expect((await http(url, 'POST', '/api/account/register', { json: { email, password } })).status).toBe(201);
      for (const path of ['/api/account/login', '/api/account/login/', '/API/Account/login']) {
        const res = await http(url, 'POST', path, { json: { email, password } });
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expect(res.setCookie.find((c) => c.startsWith('authkit_rt='))).toMatch(/; Path=\/api\/account;/);
      }
    } finally {
      await app.close();
    }
  });
});
