import { AuthService, InvalidCredentialsError, UserNotFoundError, UserStore } from '../../lib';
import { RedisKeys } from '../../lib/redis/redis-keys';
import { createRedisClient } from '../support/redis-client';
import { sleep } from '../support/time';
import { http, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, strongPassword } from './abuse-app';

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

  it('AuthService.setDisabled ends every session at once; login refused (403 only with the right password); re-enable restores login', async () => {
    const u = await register(t);
    const other = await login(t, u);
    expect(await auth.setDisabled(u.userId, true)).toBe(2);
    for (const token of [u.accessToken, other.accessToken]) {
      const res = await http(t.url, 'GET', '/profile', { token });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('session_revoked');
    }
    expect((await refresh(t, other.refreshToken)).status).toBe(401);
    const right = await http(t.url, 'POST', '/auth/login', { json: { email: u.email, password: u.password } });
    expect(right.status).toBe(403);
    expect(right.body.code).toBe('user_disabled');
    expect(right.body.accessToken).toBeUndefined();
    const wrong = await http(t.url, 'POST', '/auth/login', { json: { email: u.email, password: 'not the password' } });
    expect(wrong.body).toEqual({ statusCode: 401, code: 'invalid_credentials', message: 'Invalid email or password' });
    await auth.setDisabled(u.userId, false);
    await login(t, u);
    await expect(auth.setDisabled('no-such-user', true)).rejects.toBeInstanceOf(UserNotFoundError);
  });

  it('a role change reaches the next access token; by default sessions survive it', async () => {
    const u = await register(t);
    expect((await http(t.url, 'GET', '/admin', { token: u.accessToken })).status).toBe(403);
    expect(await auth.setRoles(u.userId, ['admin', 'user'])).toBe(0);
    // The old access token still carries the old roles until it is replaced.
    expect((await http(t.url, 'GET', '/admin', { token: u.accessToken })).status).toBe(403);
    const next = await refresh(t, u.refreshToken);
    expect(next.status).toBe(200);
    expect(next.body.user.roles).toEqual(['admin', 'user']);
    expect((await http(t.url, 'GET', '/admin', { token: next.body.accessToken })).status).toBe(200);
    // And removing the role takes it away at the following refresh.
    await auth.setRoles(u.userId, ['user']);
    const after = await refresh(t, next.body.refreshToken);
    expect((await http(t.url, 'GET', '/admin', { token: after.body.accessToken })).status).toBe(403);
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
  it('is enforced even under constant rotation (absolute 2 s, sliding 60 s)', async () => {
    const t = await createAbuseApp({ sessionAbsoluteTtlSeconds: 2, refreshTokenTtlSeconds: 60 });
    try {
      const u = await register(t);
      let token = u.refreshToken;
      let successes = 0;
      let last: Awaited<ReturnType<typeof refresh>> | undefined;
      // Bounded: at most 40 refreshes 250 ms apart (10 s); the sliding lifetime alone would allow 60 s.
      for (let i = 0; i < 40; i++) {
        last = await refresh(t, token);
        if (last.status !== 200) break;
        successes += 1;
        token = last.body.refreshToken;
        await sleep(250);
      }
      expect(successes).toBeGreaterThanOrEqual(2);
      expect(last?.status).toBe(401);
      expect(last?.body.code).toBe('refresh_token_invalid');
      expect((await http(t.url, 'GET', '/profile', { token: u.accessToken })).body.code).toBe('session_revoked');
    } finally {
      await t.close();
    }
  });
});
