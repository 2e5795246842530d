import { Controller, Get } from '@nestjs/common';
import { RequireRecentAuth, SessionStore, UserStore } from '../../lib';
import { SessionIssuer } from '../../lib/core/sign-in/session-issuer';
import { MfaFactorStore } from '../../lib/features/mfa/mfa-store.interface';
import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';
import { RecordingMailer } from '../support/recovery-fixture';
import { createTestApp, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';
const KEY = { id: 'k1', key: Buffer.alloc(32, 9).toString('base64') };
const HOUR = 3_600_000;

/** An app's own routes (in the app's module, not the auth module) with step-up. */
@Controller('app')
class AppStepUpController {
  @RequireRecentAuth({ maxAgeSeconds: 60 })
  @Get('recent')
  recent(): { ok: true } {
    return { ok: true };
  }

  @RequireRecentAuth({ maxAgeSeconds: 60, secondFactor: true })
  @Get('recent-mfa')
  recentMfa(): { ok: true } {
    return { ok: true };
  }
}

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The code an authenticator shows `offsetSteps` steps from now. */
function codeAt(secretBase32: string, offsetSteps = 0): string {
  return hotp(base32Decode(secretBase32)!, totpStep(Date.now()) + offsetSteps);
}

/**
 * Issue 23 item 5, step-up: `POST /auth/reauthenticate` refreshes `auth_time`/`amr` of the SAME session;
 * `@RequireRecentAuth` on the library's sensitive routes answers 401 `reauthentication_required` to a stale sign-in
 * (and, on the MFA routes, to a sign-in without the second factor of a user who has one). A stale sign-in is a session
 * issued with an `authTime` an hour back (what a sign-in an hour ago leaves), so nothing sleeps. Both platforms.
 */
describe('step-up: POST /auth/reauthenticate and @RequireRecentAuth (real HTTP, real Redis)', () => {
  let t: TestApp;
  const mailer = new RecordingMailer();
  const call = (method: string, path: string, init: Parameters<typeof http>[3] = {}): Promise<HttpResult> => http(t.url, method, path, init);

  beforeAll(async () => {
    t = await createTestApp({
      mfa: { encryptionKeys: [KEY], maxUserFailures: 50 }, mailer, emailVerification: { url: 'http://app.test/verify', sendOnRegister: true },
    }, {}, { controllers: [AppStepUpController] });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function register(): Promise<{ email: string; id: string; accessToken: string }> {
    const email = uniqueEmail('stepup');
    const reg = await call('POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(reg.status).toBe(201);
    return { email, id: reg.body.user.id, accessToken: reg.body.accessToken };
  }

  /** A session of `userId` signed in with `amr` an hour ago: its tokens. */
  async function staleSession(userId: string, amr: string[] = ['pwd']): Promise<{ accessToken: string; refreshToken: string; sessionId: string }> {
    const user = (await t.app.get<UserStore>(UserStore).findById(userId))!;
    const issued = await t.app.get(SessionIssuer, { strict: false }).issue(user, { amr, authTime: Date.now() - HOUR });
    return { accessToken: issued.tokens.accessToken, refreshToken: issued.tokens.refreshToken, sessionId: issued.sessionId };
  }

  async function enrol(accessToken: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const setup = await call('POST', '/auth/mfa/totp/setup', { token: accessToken });
    expect(setup.status).toBe(200);
    const confirm = await call('POST', '/auth/mfa/totp/confirm', { token: accessToken, json: { code: codeAt(setup.body.secret, -1) } });
    expect(confirm.status).toBe(200);
    return { secret: setup.body.secret, recoveryCodes: confirm.body.recoveryCodes };
  }

  it('with the password: the same session gets a fresh auth_time and amr, no new refresh token; the refresh token still works and carries them', async () => {
    const user = await register();
    const stale = await staleSession(user.id, ['oauth']);
    const before = claimsOf(stale.accessToken);
    expect(before.auth_time).toBeLessThan(Date.now() / 1000 - 3_000);

    const wrong = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { password: 'not the password at all' } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'invalid_credentials']);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: {} })).status).toBe(400);
    expect((await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { password: PASSWORD, code: '123456' } })).status).toBe(400);
    expect((await call('POST', '/auth/reauthenticate', { json: { password: PASSWORD } })).status).toBe(401);

    const started = Math.floor(Date.now() / 1000);
    const re = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { password: PASSWORD } });
    expect(re.status).toBe(200);
    expect(re.headers.get('cache-control')).toBe('no-store');
    expect(re.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: expect.any(Number), user: { id: user.id, email: user.email, roles: ['user'] } });
    expect(re.setCookie).toEqual([]);
    const after = claimsOf(re.body.accessToken);
    expect(after.sid).toBe(stale.sessionId);
    expect(after.amr).toEqual(['oauth', 'pwd']);
    expect(after.auth_time).toBeGreaterThanOrEqual(started - 1);
    const me = await call('GET', '/auth/me', { token: re.body.accessToken });
    expect([me.body.sessionId, me.body.amr]).toEqual([stale.sessionId, ['oauth', 'pwd']]);
    // The old access token is still valid (same session) but still stale.
    expect((await call('GET', '/auth/me', { token: stale.accessToken })).status).toBe(200);
    const sessions = await t.app.get<SessionStore>(SessionStore).list(user.id);
    expect(sessions.find((s) => s.id === stale.sessionId)).toMatchObject({ amr: ['oauth', 'pwd'], generation: 1 });
    // GET /auth/sessions shows the step-up: the session's amr and auth time (what its access tokens carry).
    const listed = await call('GET', '/auth/sessions', { token: re.body.accessToken });
    const stepped = listed.body.find((s: { id: string }) => s.id === stale.sessionId);
    expect(stepped).toMatchObject({ current: true, amr: ['oauth', 'pwd'] });
    expect(Math.floor(Date.parse(stepped.authTime) / 1000)).toBe(after.auth_time);
    expect(listed.body.find((s: { current: boolean }) => !s.current)).toMatchObject({ amr: ['pwd'], authTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    const refreshed = await call('POST', '/auth/refresh', { json: { refreshToken: stale.refreshToken } });
    expect(refreshed.status).toBe(200);
    const rotated = claimsOf(refreshed.body.accessToken);
    expect([rotated.sid, rotated.amr, rotated.auth_time]).toEqual([stale.sessionId, ['oauth', 'pwd'], after.auth_time]);
  });

  it('change password: a stale sign-in gets 401 reauthentication_required; after reauthenticate it is allowed', async () => {
    const user = await register();
    const stale = await staleSession(user.id);
    const body = { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' };
    const refused = await call('POST', '/auth/password/change', { token: stale.accessToken, json: body });
    expect([refused.status, refused.body.code]).toEqual([401, 'reauthentication_required']);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    const re = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { password: PASSWORD } });
    expect(re.status).toBe(200);
    expect((await call('POST', '/auth/password/change', { token: re.body.accessToken, json: body })).status).toBe(204);
    // A fresh sign-in needs no step-up.
    const login = await call('POST', '/auth/login', { json: { email: user.email, password: body.newPassword } });
    expect((await call('POST', '/auth/password/change', {
      token: login.body.accessToken, json: { currentPassword: body.newPassword, newPassword: PASSWORD },
    })).status).toBe(204);
  });

  it('delete account: a stale sign-in gets 401 reauthentication_required, even with the password; after reauthenticate, 204', async () => {
    const user = await register();
    const stale = await staleSession(user.id);
    const refused = await call('DELETE', '/auth/account', { token: stale.accessToken, json: { password: PASSWORD } });
    expect([refused.status, refused.body.code]).toEqual([401, 'reauthentication_required']);
    const re = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { password: PASSWORD } });
    expect((await call('DELETE', '/auth/account', { token: re.body.accessToken, json: { password: PASSWORD } })).status).toBe(204);
  });

  it('disable MFA: stale -> 401; reauthenticated with the password only -> still 401 (the user has a factor); with a code -> amr otp+mfa, allowed; wrong or replayed code -> 401', async () => {
    const user = await register();
    const { secret, recoveryCodes } = await enrol(user.accessToken);
    const stale = await staleSession(user.id);
    const refused = await call('DELETE', '/auth/mfa/totp', { token: stale.accessToken, json: { recoveryCode: recoveryCodes[0] } });
    expect([refused.status, refused.body.code]).toEqual([401, 'reauthentication_required']);
    const regenerate = await call('POST', '/auth/mfa/recovery-codes', { token: stale.accessToken, json: { recoveryCode: recoveryCodes[0] } });
    expect([regenerate.status, regenerate.body.code]).toEqual([401, 'reauthentication_required']);

    const byPassword = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { password: PASSWORD } });
    expect(claimsOf(byPassword.body.accessToken).amr).toEqual(['pwd']);
    const stillRefused = await call('DELETE', '/auth/mfa/totp', { token: byPassword.body.accessToken, json: { recoveryCode: recoveryCodes[0] } });
    expect([stillRefused.status, stillRefused.body.code]).toEqual([401, 'reauthentication_required']);

    const wrong = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { code: codeAt(secret, -9) } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'mfa_code_invalid']);
    const code = codeAt(secret);
    const byCode = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { code } });
    expect(byCode.status).toBe(200);
    expect(claimsOf(byCode.body.accessToken)).toMatchObject({ sid: stale.sessionId, amr: ['pwd', 'otp', 'mfa'] });
    const replayed = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { code } });
    expect([replayed.status, replayed.body.code]).toEqual([401, 'mfa_code_invalid']);

    // The step-up used the second factor: no second code in the body needed (one given would be checked).
    const wrongBodyCode = await call('DELETE', '/auth/mfa/totp', { token: byCode.body.accessToken, json: { code: codeAt(secret, -9) } });
    expect([wrongBodyCode.status, wrongBodyCode.body.code]).toEqual([401, 'mfa_code_invalid']);
    const disabled = await call('DELETE', '/auth/mfa/totp', { token: byCode.body.accessToken, json: {} });
    expect(disabled.status).toBe(204);
    expect((await call('GET', '/auth/mfa', { token: byCode.body.accessToken })).body.totp).toBe(false);
  });

  it('a recovery code steps up too (amr mfa), once; it is used up like at sign-in', async () => {
    const user = await register();
    const { recoveryCodes } = await enrol(user.accessToken);
    const stale = await staleSession(user.id);
    const re = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { recoveryCode: recoveryCodes[3] } });
    expect(re.status).toBe(200);
    expect(claimsOf(re.body.accessToken).amr).toEqual(['pwd', 'mfa']);
    expect((await call('GET', '/auth/mfa', { token: re.body.accessToken })).body.recoveryCodesLeft).toBe(9);
    const again = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { recoveryCode: recoveryCodes[3] } });
    expect([again.status, again.body.code]).toEqual([401, 'mfa_code_invalid']);
    const regenerated = await call('POST', '/auth/mfa/recovery-codes', { token: re.body.accessToken, json: {} });
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.recoveryCodes).toHaveLength(10);
  });

  it('an app\'s own routes: @RequireRecentAuth({ maxAgeSeconds }) and ({ secondFactor }) under the global guard', async () => {
    const user = await register();
    expect((await call('GET', '/app/recent', { token: user.accessToken })).body).toEqual({ ok: true });
    expect((await call('GET', '/app/recent-mfa', { token: user.accessToken })).body).toEqual({ ok: true }); // no factor: no second factor asked
    expect((await call('GET', '/app/recent')).status).toBe(401);
    const stale = await staleSession(user.id);
    const refused = await call('GET', '/app/recent', { token: stale.accessToken });
    expect([refused.status, refused.body.code]).toEqual([401, 'reauthentication_required']);
    const { secret } = await enrol(user.accessToken);
    const fresh = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { password: PASSWORD } });
    expect((await call('GET', '/app/recent', { token: fresh.body.accessToken })).status).toBe(200);
    expect((await call('GET', '/app/recent-mfa', { token: fresh.body.accessToken })).body.code).toBe('reauthentication_required');
    const withCode = await call('POST', '/auth/reauthenticate', { token: stale.accessToken, json: { code: codeAt(secret) } });
    expect((await call('GET', '/app/recent-mfa', { token: withCode.body.accessToken })).status).toBe(200);
  });

  it('"this was not me" on a squatted account removes the squatter\'s second factor too, so the mailbox owner is not locked out', async () => {
    const squatter = await register();
    await enrol(squatter.accessToken);
    const factors = t.app.get<MfaFactorStore>(MfaFactorStore);
    expect((await factors.factors(squatter.id, Date.now())).totpSecret).not.toBeNull();
    const verificationMail = () => mailer.sent.find((m) => m.to === squatter.email && m.kind === 'email_verification');
    // Mailed in the background at registration.
    for (let i = 0; i < 100 && !verificationMail(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const verification = verificationMail();
    const token = decodeURIComponent(/token=([^\s&"]+)/.exec(verification?.text ?? '')?.[1] ?? '');
    expect((await call('POST', '/auth/email/verify/decline', { json: { token } })).status).toBe(204);
    expect((await factors.factors(squatter.id, Date.now())).totpSecret).toBeNull();
    expect((await factors.factors(squatter.id, Date.now())).recoveryCodesLeft).toBe(0);
  });
});
