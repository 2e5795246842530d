import { AuthService, InvalidCredentialsError, RedisSessionStore, UserNotFoundError, UserStore } from '../../lib';
import { RedisKeys } from '../../lib/adapters/redis/redis-keys';
import { createRedisClient, uniqueKeyPrefix } from '../support/redis-client';
import { ManualClock } from '../support/time';
import { http, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, strongPassword } from '../support/abuse-app';

interface Signed {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

async function register(t: AbuseApp): Promise<Signed> {
  const email = uniqueEmail('acct');
  const password = strongPassword();
  const res = await http(t.url, 'POST', '/auth/register', { json: { email, password } });
  expect(res.status).toBe(201);
  const me = await http(t.url, 'GET', '/auth/me', { token: res.body.accessToken });
  return { email, password, userId: res.body.user.id, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken, sessionId: me.body.sessionId };
}

async function login(t: AbuseApp, who: { email: string; password: string }): Promise<Signed> {
  const res = await http(t.url, 'POST', '/auth/login', { json: { email: who.email, password: who.password } });
  expect(res.status).toBe(200);
  const me = await http(t.url, 'GET', '/auth/me', { token: res.body.accessToken });
  return { email: who.email, password: who.password, userId: res.body.user.id, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken, sessionId: me.body.sessionId };
}

const refresh = (t: AbuseApp, refreshToken: string) => http(t.url, 'POST', '/auth/refresh', { json: { refreshToken } });

describe('a refresh re-reads the user', () => {
  let t: AbuseApp;
  let auth: AuthService;

  beforeAll(async () => {
    t = await createAbuseApp();
    auth = t.app.get(AuthService);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a deleted user cannot refresh, and the attempt ends the session', async () => {
    const u = await register(t);
    const redis = createRedisClient();
    try {
      expect(await redis.del(new RedisKeys(t.keyPrefix).user(u.userId))).toBe(1);
    } finally {
      redis.disconnect();
    }
    const res = await refresh(t, u.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('refresh_token_invalid');
    expect(res.body.accessToken).toBeUndefined();
    expect((await http(t.url, 'GET', '/profile', { token: u.accessToken })).body.code).toBe('session_revoked');
  });

  it('a user disabled in the store (without revoking) cannot refresh; the attempt ends the session', async () => {
    const u = await register(t);
    await t.app.get<UserStore>(UserStore).setDisabled(u.userId, true);
    const res = await refresh(t, u.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.accessToken).toBeUndefined();
    expect((await http(t.url, 'GET', '/profile', { token: u.accessToken })).status).toBe(401);
  });

  it('AuthService.setDisabled ends every session at once; login answers 401 invalid_credentials to the right and a wrong password alike; re-enable restores login', async () => {
    const u = await register(t);
    const other = await login(t, u);
    expect(await auth.setDisabled(u.userId, true)).toBe(2);
    for (const token of [u.accessToken, other.accessToken]) {
      const res = await http(t.url, 'GET', '/profile', { token });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('session_revoked');
    }
    expect((await refresh(t, other.refreshToken)).status).toBe(401);
    // A disabled account answers the right and a wrong password alike: 401 invalid_credentials (no password oracle).
    const right = await http(t.url, 'POST', '/auth/login', { json: { email: u.email, password: u.password } });
    const wrong = await http(t.url, 'POST', '/auth/login', { json: { email: u.email, password: 'not the password' } });
    for (const res of [right, wrong]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, code: 'invalid_credentials', message: 'Invalid email or password' });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.setCookie).toEqual([]);
    }
    await auth.setDisabled(u.userId, false);
    await login(t, u);
    await expect(auth.setDisabled('no-such-user', true)).rejects.toBeInstanceOf(UserNotFoundError);
  });

  it('an added role reaches the next access token (sessions survive it); a removed role ends the sessions at once', async () => {
    const u = await register(t);
    expect((await http(t.url, 'GET', '/admin', { token: u.accessToken })).status).toBe(403);
    expect(await auth.setRoles(u.userId, ['admin', 'user'])).toBe(0);
    // The old access token still carries the old roles until it is replaced.
    expect((await http(t.url, 'GET', '/admin', { token: u.accessToken })).status).toBe(403);
    const next = await refresh(t, u.refreshToken);
    expect(next.status).toBe(200);
    expect(next.body.user.roles).toEqual(['admin', 'user']);
    expect((await http(t.url, 'GET', '/admin', { token: next.body.accessToken })).status).toBe(200);
    // Removing the role ends the sessions at once (issue 22, item 3): no token still carrying it keeps working.
    expect(await auth.setRoles(u.userId, ['user'])).toBe(1);
    expect((await http(t.url, 'GET', '/admin', { token: next.body.accessToken })).status).toBe(401);
    expect((await refresh(t, next.body.refreshToken)).status).toBe(401);
    await expect(auth.setRoles('no-such-user', ['admin'])).rejects.toBeInstanceOf(UserNotFoundError);
  });

  it('a password change revokes the other sessions (default), keeps the caller\'s, and the old password stops working', async () => {
    const a = await register(t);
    const b = await login(t, a);
    const newPassword = strongPassword();
    await expect(auth.changePassword(a.userId, newPassword, { currentPassword: 'not the password', keepSessionId: a.sessionId }))
      .rejects.toBeInstanceOf(InvalidCredentialsError);
    expect((await http(t.url, 'GET', '/profile', { token: b.accessToken })).status).toBe(200); // nothing happened

    expect(await auth.changePassword(a.userId, newPassword, { currentPassword: a.password, keepSessionId: a.sessionId })).toBe(1);
    expect((await http(t.url, 'GET', '/profile', { token: b.accessToken })).body.code).toBe('session_revoked');
    expect((await refresh(t, b.refreshToken)).status).toBe(401);
    expect((await http(t.url, 'GET', '/profile', { token: a.accessToken })).status).toBe(200);
    expect((await refresh(t, a.refreshToken)).status).toBe(200);
    expect((await http(t.url, 'POST', '/auth/login', { json: { email: a.email, password: a.password } })).status).toBe(401);
    await login(t, { email: a.email, password: newPassword });
  });
});

describe('session revocation options', () => {
  it('revokeSessionsOnPasswordChange: false keeps the other sessions', async () => {
    const t = await createAbuseApp({ revokeSessionsOnPasswordChange: false });
    try {
      const a = await register(t);
      const b = await login(t, a);
      expect(await t.app.get(AuthService).changePassword(a.userId, strongPassword())).toBe(0);
      expect((await http(t.url, 'GET', '/profile', { token: b.accessToken })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('revokeSessionsOnRoleChange: true ends the user\'s sessions at once (except keepSessionId)', async () => {
    const t = await createAbuseApp({ revokeSessionsOnRoleChange: true });
    try {
      const a = await register(t);
      const b = await login(t, a);
      expect(await t.app.get(AuthService).setRoles(a.userId, ['user', 'editor'], { keepSessionId: a.sessionId })).toBe(1);
      expect((await http(t.url, 'GET', '/profile', { token: b.accessToken })).body.code).toBe('session_revoked');
      const kept = await refresh(t, a.refreshToken);
      expect(kept.status).toBe(200);
      expect(kept.body.user.roles).toEqual(['user', 'editor']);
    } finally {
      await t.close();
    }
  });
});

describe('absolute session lifetime', () => {
  it('is enforced even under constant rotation (absolute 2 s, sliding 60 s; the sessions\' clock is moved, not waited for)', async () => {
    const clock = new ManualClock();
    const redis = createRedisClient();
    const settings = { idleTtlMs: 60_000, absoluteTtlMs: 2000, reuseWindowMs: 5000, maxSessionsPerUser: 10 };
    const sessionStore = new RedisSessionStore(redis, settings, uniqueKeyPrefix('abs'), clock.now);
    const t = await createAbuseApp({ sessionAbsoluteTtlSeconds: 2, refreshTokenTtlSeconds: 60, sessionStore });
    try {
      const u = await register(t);
      let token = u.refreshToken;
      // A refresh every 250 ms keeps the sliding lifetime (60 s) alive; the absolute one (2 s) still ends it.
      for (let elapsed = 250; elapsed < 2000; elapsed += 250) {
        clock.advance(250);
        const res = await refresh(t, token);
        expect(res.status).toBe(200);
        token = res.body.refreshToken;
      }
      clock.advance(249); // 1999 ms after the login
      const last = await refresh(t, token);
      expect(last.status).toBe(200);
      clock.advance(1); // 2000 ms: over
      const over = await refresh(t, last.body.refreshToken);
      expect(over.status).toBe(401);
      expect(over.body.code).toBe('refresh_token_invalid');
      expect((await http(t.url, 'GET', '/profile', { token: u.accessToken })).body.code).toBe('session_revoked');
    } finally {
      await t.close();
      redis.disconnect();
    }
  });
});
