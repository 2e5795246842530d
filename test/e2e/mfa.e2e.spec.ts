import { Injectable } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import type Redis from 'ioredis';
import { type AuthEventBase, AUTHKIT_REDIS, AuthService, UserStore } from '../../lib';
import { AccountDeletion } from '../../lib/core/users/account-deletion.service';
import { eventually } from '../support/abuse-app';
import { MfaNoticeMailer } from '../../lib/features/mfa/mfa-notice.mailer';
import { MfaRedisKeys } from '../../lib/features/mfa/redis-mfa.stores';
import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';
import { RecordingMailer } from '../support/recovery-fixture';
import { Browser, cookieValue, createOAuthApp, type OAuthTestApp } from '../support/oauth-harness';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { createRedisClient } from '../support/redis-client';
import { createTestApp, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';
const USER_AGENT = 'mfa-e2e/1.0';
const KEY = { id: 'k1', key: Buffer.alloc(32, 7).toString('base64') };

@Injectable()
class EventLog {
  static readonly events: Array<{ name: string; payload: AuthEventBase }> = [];
  @OnEvent('authkit.**')
  record(this: { event?: string }, payload: AuthEventBase): void {
    EventLog.events.push({ name: '', payload });
  }
}

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The code an authenticator shows `offsetSteps` steps from now. */
function codeAt(secretBase32: string, offsetSteps = 0): string {
  return hotp(base32Decode(secretBase32)!, totpStep(Date.now()) + offsetSteps);
}

describe('two-factor sign-in (TOTP + recovery codes; real HTTP, real Redis)', () => {
  let t: TestApp;
  const mailer = new RecordingMailer();
  let redis: ReturnType<typeof createRedisClient>;
  const call = (method: string, path: string, init: Parameters<typeof http>[3] = {}): Promise<HttpResult> =>
    http(t.url, method, path, { ...init, headers: { 'user-agent': USER_AGENT, ...init.headers } });

  beforeAll(async () => {
    redis = createRedisClient();
    t = await createTestApp(
      { mfa: { encryptionKeys: [KEY], issuer: 'Authkit Test', maxUserFailures: 12 }, mailer, passwordReset: { url: 'http://app.test/reset' } },
      { adminRoutes: true },
      { imports: [EventEmitterModule.forRoot({ wildcard: true })], providers: [EventLog] },
    );
  });

  afterAll(async () => {
    await t?.close();
    await redis?.quit();
  });

  async function register(): Promise<{ email: string; id: string; accessToken: string }> {
    const email = uniqueEmail('mfa');
    const reg = await call('POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(reg.status).toBe(201);
    return { email, id: reg.body.user.id, accessToken: reg.body.accessToken };
  }

  /** A user with TOTP on, enrolled with the code of the step before now (so the current step is still free). */
  async function enrolled(): Promise<{ email: string; id: string; accessToken: string; secret: string; recoveryCodes: string[] }> {
    const user = await register();
    const setup = await call('POST', '/auth/mfa/totp/setup', { token: user.accessToken });
    expect(setup.status).toBe(200);
    const confirm = await call('POST', '/auth/mfa/totp/confirm', { token: user.accessToken, json: { code: codeAt(setup.body.secret, -1) } });
    expect(confirm.status).toBe(200);
    return { ...user, secret: setup.body.secret, recoveryCodes: confirm.body.recoveryCodes };
  }

  async function challenge(email: string): Promise<string> {
    const login = await call('POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.mfaRequired).toBe(true);
    return login.body.mfaToken;
  }

  it('enrol -> login answers mfaRequired with no token and no cookie -> verify with the code: tokens with amr [pwd, otp, mfa]; the same code again is 401', async () => {
    const user = await register();
    expect((await call('GET', '/auth/mfa', { token: user.accessToken })).body).toEqual({ totp: false, recoveryCodesLeft: 0, methods: [] });
    expect((await call('GET', '/auth/me', { token: user.accessToken })).body.mfa).toEqual({ enrolled: false, methods: [], recoveryCodesLeft: 0 });
    const setup = await call('POST', '/auth/mfa/totp/setup', { token: user.accessToken });
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(setup.body.secret)).toHaveLength(20);
    const otpauth = new URL(setup.body.otpauthUrl);
    expect(otpauth.searchParams.get('secret')).toBe(setup.body.secret);
    expect(decodeURIComponent(otpauth.pathname)).toBe(`/Authkit Test:${user.email}`);
    // A wrong code does not turn it on.
    const wrong = await call('POST', '/auth/mfa/totp/confirm', { token: user.accessToken, json: { code: codeAt(setup.body.secret, -5) } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'mfa_code_invalid']);
    const enrolCode = codeAt(setup.body.secret, -1);
    const confirm = await call('POST', '/auth/mfa/totp/confirm', { token: user.accessToken, json: { code: enrolCode } });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(confirm.body.secret).toBeUndefined();
    const status = await call('GET', '/auth/mfa', { token: user.accessToken });
    expect(status.body).toEqual({ totp: true, recoveryCodesLeft: 10, methods: ['totp', 'recovery_code'] });
    expect(JSON.stringify(status.body)).not.toContain(setup.body.secret);
    // Setup again while on: 409, no new secret.
    expect((await call('POST', '/auth/mfa/totp/setup', { token: user.accessToken })).status).toBe(409);

    const login = await call('POST', '/auth/login', { json: { email: user.email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String), methods: ['totp', 'recovery_code'], expiresIn: 300 });
    expect(login.setCookie).toEqual([]);
    // The enrolment code's step counts as used: it does not finish a sign-in.
    const replayedEnrolment = await call('POST', '/auth/mfa/verify', { json: { mfaToken: login.body.mfaToken, code: enrolCode } });
    expect([replayedEnrolment.status, replayedEnrolment.body.code]).toEqual([401, 'mfa_code_invalid']);
    const code = codeAt(setup.body.secret);
    const verified = await call('POST', '/auth/mfa/verify', { json: { mfaToken: login.body.mfaToken, code } });
    expect(verified.status).toBe(200);
    expect(verified.body.accessToken).toEqual(expect.any(String));
    // The refresh cookie's path is the auth prefix (where /auth/refresh is), not /auth/mfa.
    expect(verified.setCookie.find((c) => c.startsWith('authkit_rt='))).toMatch(/; Path=\/auth; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(claimsOf(verified.body.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    const me = await call('GET', '/auth/me', { token: verified.body.accessToken });
    expect([me.body.amr, me.body.mfa]).toEqual([['pwd', 'otp', 'mfa'], { enrolled: true, methods: ['totp', 'recovery_code'], recoveryCodesLeft: 10 }]);
    // The sessions list tells the sessions apart by how they signed in: the registration's (pwd) and this one.
    const sessions = await call('GET', '/auth/sessions', { token: verified.body.accessToken });
    expect(sessions.body.map((s: { current: boolean; amr: string[] }) => [s.current, s.amr])).toEqual([[false, ['pwd']], [true, ['pwd', 'otp', 'mfa']]]);
    expect(Math.floor(Date.parse(sessions.body[1].authTime) / 1000)).toBe(claimsOf(verified.body.accessToken).auth_time);
    // The refresh keeps the amr.
    const refreshed = await call('POST', '/auth/refresh', { json: { refreshToken: verified.body.refreshToken } });
    expect(claimsOf(refreshed.body.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    // The token is single use, and the code is never accepted twice (with a new token either).
    expect((await call('POST', '/auth/mfa/verify', { json: { mfaToken: login.body.mfaToken, code } })).body.code).toBe('mfa_token_invalid');
    const again = await call('POST', '/auth/mfa/verify', { json: { mfaToken: await challenge(user.email), code } });
    expect([again.status, again.body.code]).toEqual([401, 'mfa_code_invalid']);
    expect(again.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('5 wrong codes end the MFA token (the right code then gets mfa_token_invalid); the token only works for the client it was given to', async () => {
    const user = await enrolled();
    const mfaToken = await challenge(user.email);
    // A sign-in challenge's token does not enrol (only an enrolment challenge's does).
    expect((await call('POST', '/auth/mfa/totp/setup', { json: { mfaToken } })).body.code).toBe('mfa_token_invalid');
    const otherClient = await call('POST', '/auth/mfa/verify', { json: { mfaToken, code: codeAt(user.secret) }, headers: { 'user-agent': 'other-browser' } });
    expect([otherClient.status, otherClient.body.code]).toEqual([401, 'mfa_token_invalid']);
    for (let i = 0; i < 5; i += 1) {
      const wrong = await call('POST', '/auth/mfa/verify', { json: { mfaToken, code: codeAt(user.secret, -10 - i) } });
      expect([wrong.status, wrong.body.code]).toEqual([401, 'mfa_code_invalid']);
    }
    const late = await call('POST', '/auth/mfa/verify', { json: { mfaToken, code: codeAt(user.secret) } });
    expect([late.status, late.body.code]).toEqual([401, 'mfa_token_invalid']);
    // A fresh sign-in still works with that (unused) code.
    expect((await call('POST', '/auth/mfa/verify', { json: { mfaToken: await challenge(user.email), code: codeAt(user.secret) } })).status).toBe(200);
    // Unknown and malformed tokens.
    expect((await call('POST', '/auth/mfa/verify', { json: { mfaToken: 'nope', code: '123456' } })).body.code).toBe('mfa_token_invalid');
    expect((await call('POST', '/auth/mfa/verify', { json: { mfaToken: 'nope', code: 'abc' } })).status).toBe(400);
  });

  it('the per-user throttle counts failures across MFA tokens: 429 with Retry-After at maxUserFailures', async () => {
    const user = await enrolled();
    let failures = 0;
    let last: HttpResult | undefined;
    while (failures < 12) {
      const mfaToken = await challenge(user.email);
      for (let i = 0; i < 4 && failures < 12; i += 1, failures += 1) {
        last = await call('POST', '/auth/mfa/verify', { json: { mfaToken, code: codeAt(user.secret, -20) } });
        expect(last.body.code).toBe('mfa_code_invalid');
      }
    }
    const blocked = await call('POST', '/auth/mfa/verify', { json: { mfaToken: await challenge(user.email), code: codeAt(user.secret) } });
    expect([blocked.status, blocked.body.code]).toEqual([429, 'too_many_attempts']);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('concurrent verifies with one code: exactly one 200 (one token or several)', async () => {
    const user = await enrolled();
    const code = codeAt(user.secret);
    const tokens = await Promise.all(Array.from({ length: 4 }, () => challenge(user.email)));
    const results = await Promise.all([...tokens, tokens[0], tokens[0]].map((mfaToken) => call('POST', '/auth/mfa/verify', { json: { mfaToken, code } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
  });

  it('a recovery code works once (amr [pwd, mfa]), is counted down, mails the user and emits an event', async () => {
    const user = await enrolled();
    const recoveryCode = user.recoveryCodes[3];
    const verified = await call('POST', '/auth/mfa/verify', { json: { mfaToken: await challenge(user.email), recoveryCode: recoveryCode.toUpperCase() } });
    expect(verified.status).toBe(200);
    expect(claimsOf(verified.body.accessToken).amr).toEqual(['pwd', 'mfa']);
    const again = await call('POST', '/auth/mfa/verify', { json: { mfaToken: await challenge(user.email), recoveryCode } });
    expect([again.status, again.body.code]).toEqual([401, 'mfa_code_invalid']);
    expect((await call('GET', '/auth/mfa', { token: verified.body.accessToken })).body.recoveryCodesLeft).toBe(9);
    await t.app.get(MfaNoticeMailer).settled();
    expect(mailer.sent.filter((m) => m.to === user.email).map((m) => m.kind)).toEqual(['mfa_enabled', 'mfa_recovery_code_used']);
    expect(EventLog.events.some(({ payload }) => payload.userId === user.id && (payload as { recoveryCodesLeft?: number }).recoveryCodesLeft === 9)).toBe(true);
  });

  it('regenerating recovery codes and disabling need a current second factor; disabled, login gives tokens again', async () => {
    const user = await enrolled();
    const session = await call('POST', '/auth/mfa/verify', { json: { mfaToken: await challenge(user.email), code: codeAt(user.secret) } });
    const token = session.body.accessToken;
    expect((await call('DELETE', '/auth/mfa/totp', { token, json: { code: codeAt(user.secret), recoveryCode: user.recoveryCodes[0] } })).status).toBe(400);
    const wrong = await call('DELETE', '/auth/mfa/totp', { token, json: { code: codeAt(user.secret, -9) } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'mfa_code_invalid']);
    const regenerated = await call('POST', '/auth/mfa/recovery-codes', { token, json: { recoveryCode: user.recoveryCodes[0] } });
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.recoveryCodes).toHaveLength(10);
    // The old set is void.
    expect((await call('DELETE', '/auth/mfa/totp', { token, json: { recoveryCode: user.recoveryCodes[1] } })).body.code).toBe('mfa_code_invalid');
    expect((await call('DELETE', '/auth/mfa/totp', { token, json: { recoveryCode: regenerated.body.recoveryCodes[0] } })).status).toBe(204);
    expect((await call('GET', '/auth/mfa', { token })).body).toEqual({ totp: false, recoveryCodesLeft: 0, methods: [] });
    expect((await call('GET', '/auth/me', { token })).body.mfa).toEqual({ enrolled: false, methods: [], recoveryCodesLeft: 0 });
    const login = await call('POST', '/auth/login', { json: { email: user.email, password: PASSWORD } });
    expect(login.body.accessToken).toEqual(expect.any(String));
    expect(claimsOf(login.body.accessToken).amr).toEqual(['pwd']);
  });

  it('a password reset keeps MFA on (a verified account); on an unverified one (a possible squat) the secure-account step removes the factors', async () => {
    const squatted = await enrolled();
    expect((await call('POST', '/auth/password/forgot', { json: { email: squatted.email } })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const squatReset = await call('POST', '/auth/password/reset', { json: { token: mailer.lastToken(squatted.email), password: 'a brand new passphrase 7' } });
    expect(squatReset.status).toBe(204);
    const ownerLogin = await call('POST', '/auth/login', { json: { email: squatted.email, password: 'a brand new passphrase 7' } });
    expect(ownerLogin.body.accessToken).toEqual(expect.any(String));

    const user = await enrolled();
    await t.app.get<UserStore>(UserStore).markEmailVerified(user.id);
    expect((await call('POST', '/auth/password/forgot', { json: { email: user.email } })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reset = await call('POST', '/auth/password/reset', { json: { token: mailer.lastToken(user.email), password: 'a brand new passphrase 7' } });
    expect(reset.status).toBe(204);
    const login = await call('POST', '/auth/login', { json: { email: user.email, password: 'a brand new passphrase 7' } });
    expect(login.body.mfaRequired).toBe(true);
    expect(login.body.accessToken).toBeUndefined();
  });

  it('a credential change after the first factor voids the MFA token', async () => {
    const user = await enrolled();
    const mfaToken = await challenge(user.email);
    const session = await call('POST', '/auth/mfa/verify', { json: { mfaToken: await challenge(user.email), code: codeAt(user.secret) } });
    expect((await call('POST', '/auth/password/change', { token: session.body.accessToken, json: { currentPassword: PASSWORD, newPassword: 'yet another passphrase 9' } })).status).toBe(204);
    const recovery = await call('POST', '/auth/mfa/verify', { json: { mfaToken, recoveryCode: user.recoveryCodes[0] } });
    expect([recovery.status, recovery.body.code]).toEqual([401, 'mfa_token_invalid']);
  });

  it('an admin resets a user\'s MFA (mail + event); the user signs in with the password alone', async () => {
    const admin = await register();
    await t.app.get(AuthService).setRoles(admin.id, ['admin']);
    const adminLogin = await call('POST', '/auth/login', { json: { email: admin.email, password: PASSWORD } });
    const user = await enrolled();
    const reset = await call('DELETE', `/auth/admin/users/${user.id}/mfa`, { token: adminLogin.body.accessToken });
    expect(reset.status).toBe(204);
    expect((await call('DELETE', `/auth/admin/users/${user.id}/mfa`, { token: user.accessToken })).status).toBe(403);
    const login = await call('POST', '/auth/login', { json: { email: user.email, password: PASSWORD } });
    expect(login.body.accessToken).toEqual(expect.any(String));
    await t.app.get(MfaNoticeMailer).settled();
    expect(mailer.sent.filter((m) => m.to === user.email).map((m) => m.kind)).toContain('mfa_disabled');
    expect(EventLog.events.some(({ payload }) => payload.userId === user.id && payload.actorId === admin.id)).toBe(true);
  });

  it('Redis round trips: login of an MFA user and the verify that finishes it', async () => {
    const user = await enrolled();
    await challenge(user.email); // scripts loaded
    const client = t.app.get<Redis>(AUTHKIT_REDIS);
    const stream = (client as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    const batches: string[] = [];
    stream.write = (...a: unknown[]) => (batches.push(String(a[0])), write(...a));
    let loginTrips: number;
    try {
      const mfaToken = await challenge(user.email);
      loginTrips = batches.length;
      batches.length = 0;
      expect((await call('POST', '/auth/mfa/verify', { json: { mfaToken, code: codeAt(user.secret) } })).status).toBe(200);
    } finally {
      stream.write = write;
    }
    // Login: throttle check | email, the user, the factors, the challenge (+ the throttle reset riding along).
    expect(loginTrips).toBeLessThanOrEqual(5);
    // Verify: challenge | user failures | factors, the step, the challenge used up | the user, the session.
    expect(batches.length).toBeLessThanOrEqual(4);
  });

  it('keeps the TOTP secret as AES-256-GCM ciphertext in Redis; no secret or code reaches an event', async () => {
    const user = await enrolled();
    const stored = await redis.hgetall(new MfaRedisKeys(t.keyPrefix).factors(user.id));
    expect(stored.t).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{27}\.[A-Za-z0-9_-]{22}$/);
    const secretBytes = base32Decode(user.secret)!;
    const raw = JSON.stringify(stored);
    for (const form of [user.secret, secretBytes.toString('hex'), secretBytes.toString('base64'), secretBytes.toString('base64url')]) expect(raw).not.toContain(form);
    const codes = await redis.smembers(new MfaRedisKeys(t.keyPrefix).codes(user.id));
    expect(codes).toHaveLength(10);
    for (const code of user.recoveryCodes) expect(codes.join()).not.toContain(code.replace(/-/g, ''));
    const events = JSON.stringify(EventLog.events);
    expect(events).not.toContain(user.secret);
    for (const code of user.recoveryCodes) expect(events.toLowerCase()).not.toContain(code);
  });

  it("a deleted account's factors go with it (the secret's ciphertext and the recovery codes)", async () => {
    const user = await enrolled();
    const keys = new MfaRedisKeys(t.keyPrefix);
    expect(await redis.exists(keys.factors(user.id), keys.codes(user.id))).toBe(2);
    expect(await t.app.get(AccountDeletion).deleteUser(user.id)).toBe(true);
    // What stays is the last accepted TOTP step (a number, kept on removal so no code is accepted twice): no secret.
    expect(await eventually(async () => (await redis.hget(keys.factors(user.id), 't')) === null && (await redis.exists(keys.codes(user.id))) === 0)).toBe(true);
    expect(Object.keys(await redis.hgetall(keys.factors(user.id)))).toEqual(['s']);
  });
});

describe("mfa.required for roles: a covered user without a factor reaches nothing but enrolment", () => {
  let t: TestApp;
  const call = (method: string, path: string, init: Parameters<typeof http>[3] = {}): Promise<HttpResult> =>
    http(t.url, method, path, { ...init, headers: { 'user-agent': USER_AGENT, ...init.headers } });

  beforeAll(async () => {
    t = await createTestApp({ mfa: { encryptionKeys: [KEY], required: { roles: ['admin'] } } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('an admin without a factor gets an enrolment challenge (no token, no cookie), enrols with the MFA token and is then signed in with amr [pwd, otp, mfa]', async () => {
    const email = uniqueEmail('covered');
    const reg = await call('POST', '/auth/register', { json: { email, password: PASSWORD } });
    await t.app.get(AuthService).setRoles(reg.body.user.id, ['admin']);
    const login = await call('POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ mfaRequired: true, mfaEnrolmentRequired: true, mfaToken: expect.any(String), methods: [], expiresIn: 300 });
    expect(login.setCookie).toEqual([]);
    const { mfaToken } = login.body;
    // The MFA token opens nothing else: not a bearer token, not a verify.
    expect((await call('GET', '/admin', { token: mfaToken })).status).toBe(401);
    expect((await call('GET', '/auth/mfa', { token: mfaToken })).status).toBe(401);
    expect((await call('POST', '/auth/mfa/verify', { json: { mfaToken, code: '123456' } })).body.code).toBe('mfa_token_invalid');
    // Not from another client.
    expect((await call('POST', '/auth/mfa/totp/setup', { json: { mfaToken }, headers: { 'user-agent': 'other' } })).body.code).toBe('mfa_token_invalid');
    const setup = await call('POST', '/auth/mfa/totp/setup', { json: { mfaToken } });
    expect(setup.status).toBe(200);
    const wrong = await call('POST', '/auth/mfa/totp/confirm', { json: { mfaToken, code: codeAt(setup.body.secret, -6) } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'mfa_code_invalid']);
    const confirmed = await call('POST', '/auth/mfa/totp/confirm', { json: { mfaToken, code: codeAt(setup.body.secret) } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(claimsOf(confirmed.body.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(confirmed.setCookie.find((c) => c.startsWith('authkit_rt='))).toMatch(/; Path=\/auth; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect((await call('GET', '/admin', { token: confirmed.body.accessToken })).status).toBe(200);
    // Used up; and the next sign-in asks for the code.
    expect((await call('POST', '/auth/mfa/totp/confirm', { json: { mfaToken, code: codeAt(setup.body.secret) } })).body.code).toBe('mfa_token_invalid');
    const next = await call('POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(next.body).toMatchObject({ mfaRequired: true, methods: ['totp', 'recovery_code'] });
    expect(next.body.mfaEnrolmentRequired).toBeUndefined();
  });

  it('a user the policy does not cover signs in with the password alone', async () => {
    const email = uniqueEmail('uncovered');
    await call('POST', '/auth/register', { json: { email, password: PASSWORD } });
    const login = await call('POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(claimsOf(login.body.accessToken).amr).toEqual(['pwd']);
  });
});

describe('two-factor sign-in after OAuth (local provider, real Redis)', () => {
  let provider: LocalOAuthProvider;
  let t: OAuthTestApp;
  let browser: Browser;

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    t = await createOAuthApp(provider, { auth: { mfa: { encryptionKeys: [KEY] } } });
    browser = new Browser(t);
  });

  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });

  it('the callback sets no refresh cookie before the code: ?mfa=required, the pending sign-in in an HttpOnly cookie (not in the URL); verify with it', async () => {
    const account = provider.addGoogleAccount({ sub: `20${Date.now()}`, email: uniqueEmail('oauth-mfa'), email_verified: true, name: 'Mfa' });
    const first = await browser.signIn('google', account);
    const { accessToken } = await browser.me(first.result);
    const setup = await http(t.url, 'POST', '/auth/mfa/totp/setup', { token: accessToken });
    expect((await http(t.url, 'POST', '/auth/mfa/totp/confirm', { token: accessToken, json: { code: codeAt(setup.body.secret, -1) } })).status).toBe(200);

    const { result } = await browser.signIn('google', account);
    expect(result.status).toBe(302);
    expect(result.location).toBe('http://app.test/welcome?mfa=required');
    expect(cookieValue(result.setCookie, 'authkit_rt')).toBeUndefined();
    const pending = result.setCookie.find((c) => c.startsWith('authkit_mfa='));
    expect(pending).toMatch(/^authkit_mfa=[A-Za-z0-9_.-]+; Path=\/auth; HttpOnly; SameSite=Strict; Max-Age=300$/);
    const cookie = cookieValue(result.setCookie, 'authkit_mfa')!;
    expect(result.location).not.toContain(cookie.split('=')[1]);

    // The cookie alone, cross-site: refused. Same site: the sign-in finishes, the pending cookie is cleared.
    const crossSite = await http(t.url, 'POST', '/auth/mfa/verify', { json: { code: codeAt(setup.body.secret) }, cookie, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    const verified = await http(t.url, 'POST', '/auth/mfa/verify', { json: { code: codeAt(setup.body.secret) }, cookie });
    expect(verified.status).toBe(200);
    expect(claimsOf(verified.body.accessToken).amr).toEqual(['oauth', 'otp', 'mfa']);
    expect(verified.setCookie.find((c) => c.startsWith('authkit_rt='))).toMatch(/; Path=\/auth; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(verified.setCookie).toContain('authkit_mfa=; Path=/auth; HttpOnly; SameSite=Strict; Max-Age=0');
  });
});
