import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { TokenService } from '../../lib';
import { useOwnRedis } from '../support/own-redis';
import { sleep } from '../support/time';
import { createTestApp, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';

interface Signed {
  userId: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

async function signUp(t: TestApp): Promise<Signed> {
  const email = uniqueEmail('rt');
  const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: `Rt-${randomBytes(6).toString('hex')}-Pass!` } });
  expect(res.status).toBe(201);
  const me = await http(t.url, 'GET', '/auth/me', { token: res.body.accessToken });
  return { userId: res.body.user.id, sessionId: me.body.sessionId, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

const refresh = (t: TestApp, refreshToken: string, timeoutMs?: number): Promise<HttpResult> =>
  http(t.url, 'POST', '/auth/refresh', { json: { refreshToken }, timeoutMs });

/** The session is alive: its access token authenticates and its current refresh token rotates. */
async function expectAlive(t: TestApp, access: string, refreshToken: string): Promise<void> {
  expect((await http(t.url, 'GET', '/profile', { token: access })).status).toBe(200);
  const next = await refresh(t, refreshToken);
  expect(next.status).toBe(200);
}

describe('refresh tokens v2 over HTTP (real Redis)', () => {
  let t: TestApp;
  const warnings: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
  });

  beforeEach(() => {
    warnings.length = 0;
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('finding 9: a forged secret for the real user and session ids is refresh_token_invalid and revokes nothing, logs no theft', async () => {
    const u = await signUp(t);
    const userPart = Buffer.from(u.userId).toString('base64url');
    const [, , , mac] = u.refreshToken.split('.');
    const forgeries = [
      `${userPart}.${u.sessionId}.${randomBytes(32).toString('base64url')}`, // the pre-v2 shape of finding 9
      `${userPart}.${u.sessionId}.${randomBytes(32).toString('base64url')}.${mac}`,
      `${userPart}.${u.sessionId}.${randomBytes(32).toString('base64url')}.${randomBytes(16).toString('base64url')}`,
    ];
    for (const forged of forgeries) {
      const res = await refresh(t, forged);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('refresh_token_invalid');
    }
    expect(warnings.filter((w) => /reuse/i.test(w))).toEqual([]);
    await expectAlive(t, u.accessToken, u.refreshToken);
  });

  it('a genuine old token is still refresh_token_reused: the session is revoked and the theft logged', async () => {
    const u = await signUp(t);
    const first = await refresh(t, u.refreshToken);
    expect(first.status).toBe(200);
    const second = await refresh(t, first.body.refreshToken);
    expect(second.status).toBe(200);
    const replay = await refresh(t, u.refreshToken); // two generations old
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('refresh_token_reused');
    expect(warnings.some((w) => /reuse/i.test(w))).toBe(true);
    expect((await refresh(t, second.body.refreshToken)).body.code).toBe('refresh_token_invalid');
    expect((await http(t.url, 'GET', '/profile', { token: second.body.accessToken })).status).toBe(401);
  });

  it('idempotent (default): 20 concurrent refreshes with one token all get 200 and the SAME new refresh token; the session lives on', async () => {
    const u = await signUp(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(t, u.refreshToken)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const tokens = new Set(results.map((r) => r.body.refreshToken));
    expect(tokens.size).toBe(1);
    const [next] = tokens;
    expect(next).not.toBe(u.refreshToken);
    const sessions = await http(t.url, 'GET', '/auth/sessions', { token: results[0].body.accessToken });
    expect(sessions.body).toHaveLength(1);
    await expectAlive(t, results[19].body.accessToken, next as string);
  });

  it('a lost response: the same token again gets the same new token, which then rotates normally', async () => {
    const u = await signUp(t);
    const lost = await refresh(t, u.refreshToken);
    const retry = await refresh(t, u.refreshToken);
    expect(retry.status).toBe(200);
    expect(retry.body.refreshToken).toBe(lost.body.refreshToken);
    await expectAlive(t, retry.body.accessToken, retry.body.refreshToken);
  });
});

describe("refreshTokenRotation: 'strict'", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ refreshTokenRotation: 'strict' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('20 concurrent refreshes with one token: exactly one 200, the others 401 refresh_token_superseded; the session lives on', async () => {
    const u = await signUp(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(t, u.refreshToken)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('refresh_token_superseded');
    }
    await expectAlive(t, ok[0].body.accessToken, ok[0].body.refreshToken);
  });
});

describe('reuse of the previous token after reuseWindowMs, without a retry grace (refreshRetryGraceMs: 0)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ reuseWindowMs: 300, refreshRetryGraceMs: 0 });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('within the window it is a duplicate (200, same token); after it, reuse: 401 refresh_token_reused and the session is revoked', async () => {
    const u = await signUp(t);
    const first = await refresh(t, u.refreshToken);
    expect((await refresh(t, u.refreshToken)).body.refreshToken).toBe(first.body.refreshToken);
    await sleep(400); // let the reuse window pass
    const late = await refresh(t, u.refreshToken);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('refresh_token_reused');
    expect((await refresh(t, first.body.refreshToken)).status).toBe(401);
    expect((await http(t.url, 'GET', '/profile', { token: first.body.accessToken })).status).toBe(401);
  });
});

describe('finding 10: a refresh that got 503 under a write pause was applied later; the retry keeps the session', () => {
  const own = useOwnRedis((url) => createTestApp({ redis: { url } }));

  it('CLIENT PAUSE 1500 WRITE: the refresh answers 503, Redis applies it on resume, the retry gets 200 with that token', async () => {
    const u = await signUp(own.app);
    await own.admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    const during = await refresh(own.app, u.refreshToken, 5_000);
    expect(during.status).toBe(503);
    expect(during.body.code).toBe('store_unavailable');
    // A write of our own returns once the pause is over (and after the queued rotation ran).
    await own.admin.set('probe', '1');
    const retry = await refresh(own.app, u.refreshToken);
    expect(retry.status).toBe(200);
    // The rotation queued during the pause did happen: the retry is answered with the token it installed.
    const tokens = own.app.app.get(TokenService);
    expect(retry.body.refreshToken).toBe(tokens.nextRefreshToken(tokens.parseRefreshToken(u.refreshToken)).refreshToken);
    await expectAlive(own.app, retry.body.accessToken, retry.body.refreshToken);
  });
});
