import { createHmac } from 'node:crypto';
import { redisTopologies, scanAllKeys } from '../support/redis-topologies';
import { createTestApp, http, type TestApp, TEST_SECRET, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery';

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function forge(header: Record<string, unknown>, payload: Record<string, unknown>, secret = TEST_SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe.each(redisTopologies())('core e2e (real HTTP server, real Redis: $name)', (topology) => {
  let t: TestApp;
  /** The default reuse window (5 s): for duplicates that must land inside it however loaded the machine is. */
  let defaults: TestApp;

  beforeAll(async () => {
    [t, defaults] = await Promise.all([
      // No grace for a lost answer here (refreshRetryGraceMs: 0): the reuse rules alone (refresh-lost-answer e2e has the grace).
      createTestApp({ reuseWindowMs: 300, refreshRetryGraceMs: 0, redis: topology.connection }),
      createTestApp({ redis: topology.connection }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([t.close(), defaults.close()]);
  });

  async function register(email = uniqueEmail()) {
    const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(res.status).toBe(201);
    return { email, ...res.body };
  }

  it('register -> login -> me -> refresh -> logout; afterwards the access token and the refresh token are dead', async () => {
    const email = uniqueEmail();
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email: ` ${email.toUpperCase()} `, password: PASSWORD } });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email, roles: ['user'] } });
    expect(reg.headers.get('cache-control')).toBe('no-store');

    const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    const cookie = login.setCookie.find((c) => c.startsWith('authkit_rt=') || c.startsWith('__Secure-authkit_rt='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/auth/);
    const { accessToken, refreshToken } = login.body;

    const me = await http(t.url, 'GET', '/auth/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: reg.body.user.id, email, roles: ['user'], emailVerified: false, sessionId: expect.any(String), amr: ['pwd'] });

    const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(refreshToken);
    const access2 = refreshed.body.accessToken;
    expect((await http(t.url, 'GET', '/profile', { token: access2 })).status).toBe(200);

    const logout = await http(t.url, 'POST', '/auth/logout', { token: access2 });
    expect(logout.status).toBe(204);
    expect(logout.setCookie.join(';')).toMatch(/Max-Age=0/);

    const after = await http(t.url, 'GET', '/auth/me', { token: access2 });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('session_revoked');
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const refreshAfter = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: refreshed.body.refreshToken } });
    expect(refreshAfter.status).toBe(401);
    expect(refreshAfter.body.code).toBe('refresh_token_invalid');
  });

  it('the refresh cookie alone refreshes', async () => {
    const { email } = await register();
    const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    const cookie = login.setCookie[0].split(';')[0];
    const res = await http(t.url, 'POST', '/auth/refresh', { cookie });
    expect(res.status).toBe(200);
    expect(res.setCookie[0].split(';')[0]).not.toBe(cookie);
  });

  it('20 concurrent refreshes with one token (idempotent rotation, the default): all 200 with the same new token, and the session lives on', async () => {
    // On `defaults`: with the 300 ms window of `t`, a duplicate delayed past it on a loaded machine is (rightly) reuse.
    const reg = await http(defaults.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: PASSWORD } });
    expect(reg.status).toBe(201);
    const { refreshToken } = reg.body;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => http(defaults.url, 'POST', '/auth/refresh', { json: { refreshToken } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1);
    const next = await http(defaults.url, 'POST', '/auth/refresh', { json: { refreshToken: results[0].body.refreshToken } });
    expect(next.status).toBe(200);
    expect((await http(defaults.url, 'GET', '/auth/me', { token: next.body.accessToken })).status).toBe(200);
  });

  it('replaying a token two generations old revokes the whole session', async () => {
    const { refreshToken: rt1 } = await register();
    const r2 = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: rt1 } });
    const r3 = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: r2.body.refreshToken } });
    expect(r3.status).toBe(200);

    const replay = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: rt1 } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('refresh_token_reused');

    expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: r3.body.refreshToken } })).status).toBe(401);
    expect((await http(t.url, 'GET', '/auth/me', { token: r3.body.accessToken })).status).toBe(401);
  });

  it('replaying the immediately previous token after reuseWindowMs revokes the whole session', async () => {
    const { refreshToken: rt1 } = await register();
    const r2 = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: rt1 } });
    expect(r2.status).toBe(200);
    await new Promise((r) => setTimeout(r, 450));
    const replay = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: rt1 } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('refresh_token_reused');
    expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: r2.body.refreshToken } })).status).toBe(401);
    expect((await http(t.url, 'GET', '/profile', { token: r2.body.accessToken })).status).toBe(401);
  });

  it("a session keeps a summary of the browser's user agent by default; 'full' keeps the header, 'none' nothing", async () => {
    const chrome = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const listedAgent = async (app: TestApp) => {
      const email = uniqueEmail();
      const reg = await http(app.url, 'POST', '/auth/register', { json: { email, password: PASSWORD }, headers: { 'user-agent': chrome } });
      const list = await http(app.url, 'GET', '/auth/sessions', { token: reg.body.accessToken });
      expect(list.status).toBe(200);
      return list.body[0].userAgent;
    };
    expect(await listedAgent(t)).toBe('Chrome 131 on macOS');
    for (const [mode, expected] of [['full', chrome], ['none', null]] as const) {
      const other = await createTestApp({ sessionUserAgent: mode });
      try {
        expect(await listedAgent(other)).toBe(expected);
      } finally {
        await other.close();
      }
    }
  });

  it('lists sessions, revokes one, logout-all revokes every session; another user\'s session id is 404', async () => {
    const { email, accessToken: a1 } = await register();
    const s2 = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD }, headers: { 'user-agent': 'device-2' } });
    const s3 = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD }, headers: { 'user-agent': 'device-3' } });

    const list = await http(t.url, 'GET', '/auth/sessions', { token: s3.body.accessToken });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(3);
    expect(list.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(list.body.map((s: { userAgent: string }) => s.userAgent)).toEqual(expect.arrayContaining(['device-2', 'device-3']));
    expect(list.body[0]).toEqual(expect.objectContaining({ id: expect.any(String), createdAt: expect.any(String), lastUsedAt: expect.any(String), ip: expect.any(String) }));

    const other = await register();
    const otherSessions = await http(t.url, 'GET', '/auth/sessions', { token: other.accessToken });
    const otherId = otherSessions.body[0].id;
    const foreign = await http(t.url, 'DELETE', `/auth/sessions/${otherId}`, { token: s3.body.accessToken });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('session_not_found');
    expect((await http(t.url, 'GET', '/auth/me', { token: other.accessToken })).status).toBe(200);

    const s2Id = list.body.find((s: { userAgent: string }) => s.userAgent === 'device-2').id;
    expect((await http(t.url, 'DELETE', `/auth/sessions/${s2Id}`, { token: s3.body.accessToken })).status).toBe(204);
    expect((await http(t.url, 'GET', '/auth/me', { token: s2.body.accessToken })).status).toBe(401);

    expect((await http(t.url, 'POST', '/auth/logout-all', { token: s3.body.accessToken })).status).toBe(204);
    for (const token of [a1, s2.body.accessToken, s3.body.accessToken]) {
      expect((await http(t.url, 'GET', '/auth/me', { token })).status).toBe(401);
    }
    expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: s3.body.refreshToken } })).status).toBe(401);
    expect((await http(t.url, 'GET', '/auth/me', { token: other.accessToken })).status).toBe(200);
  });

  it('@Public routes are open; guarded routes need a token; @Roles needs the role', async () => {
    expect((await http(t.url, 'GET', '/')).status).toBe(200);
    const none = await http(t.url, 'GET', '/profile');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('access_token_missing');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const { accessToken } = await register();
    expect((await http(t.url, 'GET', '/profile', { token: accessToken })).status).toBe(200);
    const admin = await http(t.url, 'GET', '/admin', { token: accessToken });
    expect(admin.status).toBe(403);
    expect(admin.body.code).toBe('insufficient_role');
    expect((await http(t.url, 'GET', '/admin')).status).toBe(401);
  });

  describe('bad tokens -> 401', () => {
    let valid: { accessToken: string; refreshToken: string; user: { id: string } };
    let claims: Record<string, unknown>;
    let header: Record<string, unknown>;

    beforeAll(async () => {
      valid = await register();
      const [h, p] = valid.accessToken.split('.');
      header = JSON.parse(Buffer.from(h, 'base64url').toString());
      claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    });

    const cases: Array<[string, () => string]> = [
      ['tampered payload', () => {
        const [h, , s] = valid.accessToken.split('.');
        return `${h}.${b64({ ...claims, roles: ['admin'] })}.${s}`;
      }],
      ['alg none', () => `${b64({ ...header, alg: 'none' })}.${b64(claims)}.`],
      ['alg NoNe without signature', () => `${b64({ ...header, alg: 'NoNe' })}.${b64(claims)}`],
      ['wrong secret', () => forge(header, claims, 'another-secret-that-is-at-least-32-bytes')],
      ['expired', () => forge(header, { ...claims, iat: 1_000, exp: 2_000 })],
      ['garbage', () => 'not-a-jwt'],
    ];

    it.each(cases)('%s', async (_name, make) => {
      const res = await http(t.url, 'GET', '/profile', { token: make() });
      expect(res.status).toBe(401);
      expect(['access_token_invalid', 'access_token_expired']).toContain(res.body.code);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('a correctly forged token with the right secret still passes (the cases above fail for their own reason)', async () => {
      expect((await http(t.url, 'GET', '/profile', { token: forge(header, claims) })).status).toBe(200);
    });

    it('a refresh token sent as a Bearer token -> 401', async () => {
      expect((await http(t.url, 'GET', '/profile', { token: valid.refreshToken })).status).toBe(401);
    });

    it('an access token sent to /auth/refresh -> 401', async () => {
      const res = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: valid.accessToken } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('refresh_token_invalid');
    });
  });

  describe('bad input -> 400 with a stable code', () => {
    it('malformed JSON', async () => {
      const res = await http(t.url, 'POST', '/auth/login', { body: '{"email":', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('malformed_json');
      expect(JSON.stringify(res.body)).not.toMatch(/position|token/i);
    });

    it('malformed JSON without the global filter: still a JSON 400 from Nest', async () => {
      const bare = await createTestApp({}, {}, { globalFilter: false });
      try {
        const res = await http(bare.url, 'POST', '/auth/login', { body: '{"email":', headers: { 'content-type': 'application/json' } });
        expect(res.status).toBe(400);
        expect(res.body.statusCode).toBe(400);
      } finally {
        await bare.close();
      }
    });

    it.each([
      ['missing fields', {}],
      ['missing password', { email: 'a@example.com' }],
      ['wrong types', { email: 42, password: ['x'] }],
      ['operator object', { email: { $ne: null }, password: 'whatever-long' }],
      ['unknown fields', { email: 'a@example.com', password: 'long-enough-pw', roles: ['admin'] }],
      ['not an email', { email: 'nope', password: 'long-enough-pw' }],
      ['short password', { email: 'a@example.com', password: 'short' }],
      ['a 10 000-char password', { email: 'a@example.com', password: 'x'.repeat(10_000) }],
    ])('%s', async (name, json) => {
      // Login checks any password of 1..128 characters (a short one is simply wrong: 401, see the password-policy suite).
      for (const path of name === 'short password' ? ['/auth/register'] : ['/auth/register', '/auth/login']) {
        const res = await http(t.url, 'POST', path, { json });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
      }
    });

    it('registration cannot grant roles', async () => {
      const res = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: PASSWORD, roles: ['admin'] } });
      expect(res.status).toBe(400);
    });

    it('duplicate email -> 409; wrong password and unknown email -> the same 401', async () => {
      const { email } = await register();
      const dup = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('email_taken');
      const wrong = await http(t.url, 'POST', '/auth/login', { json: { email, password: 'wrong password!' } });
      const unknown = await http(t.url, 'POST', '/auth/login', { json: { email: uniqueEmail(), password: 'wrong password!' } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
    });

    it('missing refresh token -> 401 refresh_token_missing; garbage -> 401 refresh_token_invalid', async () => {
      const missing = await http(t.url, 'POST', '/auth/refresh', { json: {} });
      expect(missing.status).toBe(401);
      expect(missing.body.code).toBe('refresh_token_missing');
      const garbage = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: 'a.b.c' } });
      expect(garbage.status).toBe(401);
      expect(garbage.body.code).toBe('refresh_token_invalid');
    });
  });

  // Runs last (Jest keeps declaration order): everything the run above wrote.
  it('every key the library wrote has a TTL, except user records and the email index', async () => {
    const redis = topology.createClient();
    try {
      const keys = await scanAllKeys(redis, `${t.keyPrefix}:*`);
      const sessionKeys = keys.filter((k) => /:s$/.test(k));
      expect(sessionKeys.length).toBeGreaterThan(5);
      const withoutTtl: string[] = [];
      for (const key of keys) {
        const isUserRecord = key.endsWith(':user') || key.startsWith(`${t.keyPrefix}:email:`);
        if (!isUserRecord && (await redis.pttl(key)) < 0) withoutTtl.push(key);
      }
      expect(withoutTtl).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
