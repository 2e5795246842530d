import { Injectable } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { AUTH_EVENT_NAMES, AuthAdminService, AuthEvent, type AuthEventBase, type AuthEventName, IdentityResolver, UserStore } from '../../lib';
import { OrganizationInvitationMailer } from '../../lib/features/organizations/organization-invitation.mailer';
import { AccountMailer } from '../../lib/features/recovery/account.mailer';
import { OAuthIdentityResolver } from '../../lib/features/oauth/oauth-identity.service';
import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';
import { SoftAuthenticator } from '../../lib/testing/soft-authenticator';
import { LocalSmtpServer } from '../support/smtp-server';
import { createTestApp, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'another long passphrase 42';
const USER_AGENT = 'events-test/1.0';
const PASSKEY_ORIGIN = 'http://localhost:4200';

/** An audit trail as an app would write it: one wildcard listener. */
@Injectable()
class AuditRecorder {
  readonly events: { payload: AuthEventBase }[] = [];

  @OnEvent('authkit.**')
  record(payload: AuthEventBase): void {
    this.events.push({ payload });
  }
}

/** One listener per event name: each records the name it was registered for. */
function recorderFor(names: readonly AuthEventName[]) {
  const seen: { name: AuthEventName; payload: AuthEventBase }[] = [];
  @Injectable()
  class PerNameRecorder {}
  for (const name of names) {
    const method = `on_${name.replace(/\W/g, '_')}`;
    Object.defineProperty(PerNameRecorder.prototype, method, {
      value: (payload: AuthEventBase) => seen.push({ name, payload }),
      writable: true,
      configurable: true,
    });
    OnEvent(name)(PerNameRecorder.prototype, method, Object.getOwnPropertyDescriptor(PerNameRecorder.prototype, method)!);
  }
  return { PerNameRecorder, seen };
}

describe('events (through @nestjs/event-emitter): each once, with the documented payload, never a secret', () => {
  const smtp = new LocalSmtpServer();
  const { PerNameRecorder, seen } = recorderFor(AUTH_EVENT_NAMES);
  const secrets: string[] = [PASSWORD, NEW_PASSWORD];
  const covered = new Set<string>();
  let t: TestApp;

  beforeAll(async () => {
    const smtpUrl = await smtp.start();
    t = await createTestApp(
      {
        mail: { smtpUrl },
        passwordReset: { url: 'https://app.example/reset' },
        emailVerification: { url: 'https://app.example/verify', sendOnRegister: false },
        throttle: { emailIp: { limit: 2 } },
        reuseWindowMs: 0,
        mfa: { encryptionKeys: [{ id: 'k1', key: Buffer.alloc(32, 3) }] },
        organizations: { invitationUrl: 'https://app.example/invitations' },
        passkeys: { rpId: 'localhost', origins: [PASSKEY_ORIGIN] },
        apiKeys: {},
      },
      {},
      { imports: [EventEmitterModule.forRoot({ wildcard: true })], providers: [PerNameRecorder, AuditRecorder] },
    );
  });

  afterAll(async () => {
    await t.close();
    await smtp.stop();
    // Every event name was seen in some step; no payload carried a secret.
    expect([...covered].sort()).toEqual([...AUTH_EVENT_NAMES].sort());
    const all = JSON.stringify(allSeen);
    expect(allSeen.length).toBeGreaterThan(AUTH_EVENT_NAMES.length);
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/\$argon2/);
    // No key that names a secret, at any depth.
    expect(all).not.toMatch(/"[^"]*(password|token|hash|secret)[^"]*":/i);
  });

  /** Runs `action`, then expects exactly `expected` (in order) and returns their payloads. */
  async function step(expected: AuthEventName[], action: () => Promise<unknown>): Promise<AuthEventBase[]> {
    seen.length = 0;
    t.app.get(AuditRecorder).events.length = 0;
    await action();
    await t.app.get(AccountMailer).settled();
    expect(seen.map((e) => e.name)).toEqual(expected);
    for (const event of seen) {
      covered.add(event.name);
      expect(typeof event.payload.at).toBe('number');
      expect(Object.isFrozen(event.payload)).toBe(true);
    }
    allSeen.push(...seen);
    // The wildcard listener saw exactly the same events.
    expect(t.app.get(AuditRecorder).events.map((e) => e.payload)).toEqual(seen.map((e) => e.payload));
    return seen.map((e) => e.payload);
  }
  const allSeen: { name: AuthEventName; payload: AuthEventBase }[] = [];

  const ua = { 'user-agent': USER_AGENT };

  it('covers the whole lifecycle', async () => {
    const email = uniqueEmail('ev');
    let reg!: HttpResult;
    const [registered] = await step([AuthEvent.Registered], async () => {
      reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD }, headers: ua });
      expect(reg.status).toBe(201);
    });
    const userId = reg.body.user.id as string;
    secrets.push(reg.body.accessToken, reg.body.refreshToken);
    expect(registered).toMatchObject({ userId, sessionId: expect.any(String), method: 'password', ip: expect.any(String), userAgent: USER_AGENT });

    const [failed] = await step([AuthEvent.LoginFailed], async () => {
      expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: 'wrong password!!' }, headers: ua })).status).toBe(401);
    });
    expect(failed).toEqual({ at: expect.any(Number), reason: 'invalid_credentials', email, ip: expect.any(String), userAgent: USER_AGENT });

    let login!: HttpResult;
    const [succeeded] = await step([AuthEvent.LoginSucceeded], async () => {
      login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD }, headers: ua });
      expect(login.status).toBe(200);
    });
    secrets.push(login.body.accessToken, login.body.refreshToken);
    expect(succeeded).toMatchObject({ userId, sessionId: expect.any(String), method: 'password' });

    const victim = uniqueEmail('throttled');
    await step([AuthEvent.LoginFailed, AuthEvent.LoginFailed, AuthEvent.Throttled], async () => {
      for (let i = 0; i < 3; i += 1) await http(t.url, 'POST', '/auth/login', { json: { email: victim, password: 'wrong password!!' } });
    }).then(([, , throttled]) => expect(throttled).toMatchObject({ action: 'login', email: victim, retryAfterSeconds: expect.any(Number) }));

    // Refresh reuse: rotate twice, then replay the first token.
    const first = login.body.refreshToken as string;
    const second = (await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: first } })).body.refreshToken as string;
    const third = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: second } });
    secrets.push(second, third.body.refreshToken, third.body.accessToken);
    const [reused] = await step([AuthEvent.RefreshReused], async () => {
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: first }, headers: ua })).body.code).toBe('refresh_token_reused');
    });
    expect(reused).toEqual({ at: expect.any(Number), userId, sessionId: succeeded.sessionId, ip: expect.any(String), userAgent: USER_AGENT });

    const extra = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    const extraSession = extra.body.user && (await http(t.url, 'GET', '/auth/sessions', { token: extra.body.accessToken })).body.find((s: { current: boolean }) => s.current).id;
    const [revoked] = await step([AuthEvent.SessionRevoked], async () => {
      expect((await http(t.url, 'DELETE', `/auth/sessions/${extraSession}`, { token: reg.body.accessToken })).status).toBe(204);
    });
    expect(revoked).toMatchObject({ userId, sessionId: extraSession, reason: 'user' });

    const another = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    secrets.push(another.body.accessToken, another.body.refreshToken);
    await step([AuthEvent.Logout], async () => {
      expect((await http(t.url, 'POST', '/auth/logout', { token: another.body.accessToken })).status).toBe(204);
    });

    const [changed] = await step([AuthEvent.PasswordChanged], async () => {
      const res = await http(t.url, 'POST', '/auth/password/change', { token: reg.body.accessToken, json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
      expect(res.status).toBe(204);
    });
    expect(changed).toMatchObject({ userId, sessionId: registered.sessionId, revokedSessions: expect.any(Number) });

    await step([AuthEvent.LogoutAll], async () => {
      expect((await http(t.url, 'POST', '/auth/logout-all', { token: reg.body.accessToken })).status).toBe(204);
    }).then(([event]) => expect(event).toMatchObject({ userId, revoked: 1 }));

    // Password reset through the mail.
    await http(t.url, 'POST', '/auth/password/forgot', { json: { email } });
    // (The password change above mailed a password_changed notice, without a link, to the same address.)
    const resetToken = LocalSmtpServer.tokenIn(await smtp.waitForMailMatching(email, (mail) => mail.subject === 'Reset your password'));
    secrets.push(resetToken);
    const [reset] = await step([AuthEvent.PasswordReset], async () => {
      expect((await http(t.url, 'POST', '/auth/password/reset', { json: { token: resetToken, password: PASSWORD } })).status).toBe(204);
    });
    expect(reset).toMatchObject({ userId, revokedSessions: 0 });

    // Email verification (a second user: the reset verified the first one's email).
    const other = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('ev2'), password: PASSWORD } });
    secrets.push(other.body.accessToken, other.body.refreshToken);
    await http(t.url, 'POST', '/auth/email/verify/request', { token: other.body.accessToken });
    const verifyToken = LocalSmtpServer.tokenIn(await smtp.waitForMail(other.body.user.email));
    secrets.push(verifyToken);
    await step([AuthEvent.EmailVerified], async () => {
      expect((await http(t.url, 'POST', '/auth/email/verify', { json: { token: verifyToken, password: PASSWORD } })).status).toBe(204);
    }).then(([event]) => expect(event).toMatchObject({ userId: other.body.user.id, email: other.body.user.email }));

    // "This was not me" on a third user's verification link.
    const squatter = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('ev3'), password: PASSWORD } });
    secrets.push(squatter.body.accessToken, squatter.body.refreshToken);
    await http(t.url, 'POST', '/auth/email/verify/request', { token: squatter.body.accessToken });
    const declineToken = LocalSmtpServer.tokenIn(await smtp.waitForMail(squatter.body.user.email));
    secrets.push(declineToken);
    const [declined] = await step([AuthEvent.RegistrationDeclined], async () => {
      expect((await http(t.url, 'POST', '/auth/email/verify/decline', { json: { token: declineToken } })).status).toBe(204);
    });
    expect(declined).toMatchObject({ userId: squatter.body.user.id, revokedSessions: 1, identitiesRemoved: 0 });

    // Identities (service calls: the OAuth HTTP flow has its own e2e).
    const oauth = t.app.get(OAuthIdentityResolver);
    const profile = { provider: 'github' as const, providerUserId: '4242', email: null, emailVerified: false };
    await step([AuthEvent.IdentityLinked], () => oauth.linkToUser(userId, profile))
      .then(([event]) => expect(event).toMatchObject({ userId, provider: 'github' }));
    await step([AuthEvent.IdentityUnlinked], () => oauth.unlink(userId, 'github'))
      .then(([event]) => expect(event).toMatchObject({ userId, provider: 'github' }));

    // Administration.
    const admin = t.app.get(AuthAdminService);
    const adminUser = await t.app.get(IdentityResolver).createUser({ email: uniqueEmail('adm'), password: PASSWORD, roles: ['admin'] });
    await step([AuthEvent.RolesChanged], () => admin.setRoles(userId, ['user', 'editor'], { actorId: adminUser.id }))
      .then(([event]) => expect(event).toMatchObject({ userId, roles: ['user', 'editor'], previousRoles: ['user'], actorId: adminUser.id }));
    await step([AuthEvent.UserDisabled], () => admin.disable(userId, { actorId: adminUser.id }))
      .then(([event]) => expect(event).toMatchObject({ userId, actorId: adminUser.id, revokedSessions: expect.any(Number) }));
    await step([AuthEvent.UserEnabled], () => admin.enable(userId, { actorId: adminUser.id }));

    const last = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    secrets.push(last.body.accessToken, last.body.refreshToken);
    const [deleted] = await step([AuthEvent.AccountDeleted], async () => {
      expect((await http(t.url, 'DELETE', '/auth/account', { token: last.body.accessToken, json: { password: PASSWORD } })).status).toBe(204);
    });
    expect(deleted).toMatchObject({ userId, sessionId: expect.any(String) });
  });

  it('covers organizations (no email, token or invitation link in any payload)', async () => {
    const owner = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('ev-org'), password: PASSWORD }, headers: ua });
    const memberEmail = uniqueEmail('ev-org-member');
    const member = await http(t.url, 'POST', '/auth/register', { json: { email: memberEmail, password: PASSWORD }, headers: ua });
    await t.app.get<UserStore>(UserStore).markEmailVerified(member.body.user.id);
    const [ownerId, memberId] = [owner.body.user.id as string, member.body.user.id as string];
    let orgId = '';
    const [created] = await step([AuthEvent.OrgCreated], async () => {
      orgId = (await http(t.url, 'POST', '/auth/orgs', { token: owner.body.accessToken, json: { name: 'Events' }, headers: ua })).body.id;
    });
    expect(created).toEqual({ at: expect.any(Number), userId: ownerId, orgId, roles: ['owner'], ip: expect.any(String), userAgent: USER_AGENT });
    let ownerToken = '';
    const [switched] = await step([AuthEvent.OrgSwitched], async () => {
      ownerToken = (await http(t.url, 'POST', '/auth/orgs/active', { token: owner.body.accessToken, json: { orgId }, headers: ua })).body.accessToken;
    });
    expect(switched).toMatchObject({ userId: ownerId, sessionId: expect.any(String), orgId });
    const [invited] = await step([AuthEvent.OrgInvitationSent], async () => {
      expect((await http(t.url, 'POST', `/auth/orgs/${orgId}/invitations`, { token: ownerToken, json: { email: memberEmail, roles: ['member'] }, headers: ua })).status).toBe(201);
      await t.app.get(OrganizationInvitationMailer).settled();
    });
    expect(invited).toMatchObject({ userId: ownerId, orgId, roles: ['member'] });
    const token = LocalSmtpServer.tokenIn(await smtp.waitForMail(memberEmail));
    secrets.push(token, memberEmail);
    const [joined] = await step([AuthEvent.OrgMemberJoined], async () => {
      expect((await http(t.url, 'POST', '/auth/orgs/invitations/accept', { token: member.body.accessToken, json: { token }, headers: ua })).status).toBe(200);
    });
    expect(joined).toMatchObject({ userId: memberId, orgId, roles: ['member'] });
    const [changed] = await step([AuthEvent.OrgMemberRolesChanged], async () => {
      expect((await http(t.url, 'PATCH', `/auth/orgs/${orgId}/members/${memberId}`, { token: ownerToken, json: { roles: ['admin'] }, headers: ua })).status).toBe(200);
    });
    expect(changed).toMatchObject({ userId: memberId, actorId: ownerId, orgId, roles: ['admin'] });
    expect((await http(t.url, 'POST', `/auth/orgs/${orgId}/invitations`, { token: ownerToken, json: { email: uniqueEmail('ev-org-x'), roles: ['member'] }, headers: ua })).status).toBe(201);
    await t.app.get(OrganizationInvitationMailer).settled();
    const [pending] = (await http(t.url, 'GET', `/auth/orgs/${orgId}/invitations`, { token: ownerToken })).body;
    const [revoked] = await step([AuthEvent.OrgInvitationRevoked], async () => {
      expect((await http(t.url, 'DELETE', `/auth/orgs/${orgId}/invitations/${pending.id}`, { token: ownerToken, headers: ua })).status).toBe(204);
    });
    expect(revoked).toMatchObject({ userId: ownerId, orgId, roles: ['member'] });
    const [policy] = await step([AuthEvent.OrgPolicyChanged], async () => {
      expect((await http(t.url, 'PATCH', `/auth/orgs/${orgId}`, { token: ownerToken, json: { requireMfa: false }, headers: ua })).status).toBe(200);
    });
    expect(policy).toMatchObject({ userId: ownerId, orgId, requireMfa: false });
    const [transferred] = await step([AuthEvent.OrgOwnershipTransferred], async () => {
      expect((await http(t.url, 'POST', `/auth/orgs/${orgId}/transfer`, { token: ownerToken, json: { userId: memberId }, headers: ua })).status).toBe(204);
    });
    expect(transferred).toMatchObject({ userId: memberId, actorId: ownerId, orgId });
    const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: owner.body.refreshToken }, headers: ua });
    const [removed] = await step([AuthEvent.OrgMemberRemoved], async () => {
      expect((await http(t.url, 'DELETE', `/auth/orgs/${orgId}/members/${ownerId}`, { token: refreshed.body.accessToken, headers: ua })).status).toBe(204);
    });
    expect(removed).toMatchObject({ userId: ownerId, actorId: ownerId, orgId, reason: 'left' });
    const memberToken = (await http(t.url, 'POST', '/auth/orgs/active', { token: member.body.accessToken, json: { orgId } })).body.accessToken;
    const [deleted] = await step([AuthEvent.OrgDeleted], async () => {
      expect((await http(t.url, 'DELETE', `/auth/orgs/${orgId}`, { token: memberToken, headers: ua })).status).toBe(204);
    });
    expect(deleted).toMatchObject({ userId: memberId, orgId });
  });

  it('covers two-factor sign-in (no secret, code or MFA token in any payload)', async () => {
    const email = uniqueEmail('ev-mfa');
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD }, headers: ua });
    const userId = reg.body.user.id as string;
    const token = reg.body.accessToken as string;
    const setup = await http(t.url, 'POST', '/auth/mfa/totp/setup', { token, headers: ua });
    const code = (offset: number) => hotp(base32Decode(setup.body.secret)!, totpStep(Date.now()) + offset);
    secrets.push(setup.body.secret);
    let recoveryCodes: string[] = [];
    const [enrolled] = await step([AuthEvent.MfaEnrolled], async () => {
      const confirm = await http(t.url, 'POST', '/auth/mfa/totp/confirm', { token, json: { code: code(-1) }, headers: ua });
      expect(confirm.status).toBe(200);
      recoveryCodes = confirm.body.recoveryCodes;
    });
    secrets.push(...recoveryCodes);
    expect(enrolled).toEqual({ at: expect.any(Number), userId, ip: expect.any(String), userAgent: USER_AGENT });
    const challenge = async (): Promise<string> => {
      const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD }, headers: ua });
      secrets.push(login.body.mfaToken);
      return login.body.mfaToken;
    };
    const mfaToken = await challenge();
    const [failed] = await step([AuthEvent.MfaFailed], async () => {
      expect((await http(t.url, 'POST', '/auth/mfa/verify', { json: { mfaToken, code: code(-8) }, headers: ua })).status).toBe(401);
    });
    expect(failed).toEqual({ at: expect.any(Number), userId, reason: 'mfa_code_invalid', attemptsLeft: 4, ip: expect.any(String), userAgent: USER_AGENT });
    const [, verified] = await step([AuthEvent.LoginSucceeded, AuthEvent.MfaVerified], async () => {
      expect((await http(t.url, 'POST', '/auth/mfa/verify', { json: { mfaToken, code: code(0) }, headers: ua })).status).toBe(200);
    });
    expect(verified).toMatchObject({ userId, method: 'totp', purpose: 'sign-in' });
    const second = await challenge();
    let signedInWithMfa = '';
    const [, , used] = await step([AuthEvent.LoginSucceeded, AuthEvent.MfaVerified, AuthEvent.MfaRecoveryCodeUsed], async () => {
      const verify = await http(t.url, 'POST', '/auth/mfa/verify', { json: { mfaToken: second, recoveryCode: recoveryCodes[0] }, headers: ua });
      expect(verify.status).toBe(200);
      signedInWithMfa = verify.body.accessToken;
    });
    expect(used).toMatchObject({ userId, recoveryCodesLeft: 9 });
    // Disabling needs a sign-in that used the second factor (step-up), not the registration's token.
    const [, , disabled] = await step([AuthEvent.MfaVerified, AuthEvent.MfaRecoveryCodeUsed, AuthEvent.MfaDisabled], async () => {
      expect((await http(t.url, 'DELETE', '/auth/mfa/totp', { token: signedInWithMfa, json: { recoveryCode: recoveryCodes[1] }, headers: ua })).status).toBe(204);
    });
    expect(disabled).toEqual({ at: expect.any(Number), userId, ip: expect.any(String), userAgent: USER_AGENT });
  });

  it('covers passkeys: added, used (a sign-in), failed (a replay), removed', async () => {
    const email = uniqueEmail('ev-passkey');
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD }, headers: ua });
    const userId = reg.body.user.id as string;
    const authenticator = new SoftAuthenticator();
    let passkeyId = '';
    const [added] = await step([AuthEvent.PasskeyAdded], async () => {
      const options = await http(t.url, 'POST', '/auth/passkeys/registration/options', { token: reg.body.accessToken, headers: ua });
      const response = authenticator.create(options.body, { origin: PASSKEY_ORIGIN });
      const registered = await http(t.url, 'POST', '/auth/passkeys/registration', { token: reg.body.accessToken, json: { response }, headers: ua });
      expect(registered.status).toBe(201);
      passkeyId = registered.body.id;
    });
    expect(added).toEqual({ at: expect.any(Number), userId, passkeyId, ip: expect.any(String), userAgent: USER_AGENT });
    let response: Record<string, unknown> = {};
    let accessToken = '';
    const [used] = await step([AuthEvent.PasskeyUsed, AuthEvent.LoginSucceeded], async () => {
      const options = await http(t.url, 'POST', '/auth/passkeys/authentication/options', { headers: ua });
      response = authenticator.get(options.body, { origin: PASSKEY_ORIGIN });
      const signedIn = await http(t.url, 'POST', '/auth/passkeys/authentication', { json: { response }, headers: ua });
      expect(signedIn.status).toBe(200);
      accessToken = signedIn.body.accessToken;
    });
    expect(used).toEqual({ at: expect.any(Number), userId, passkeyId, purpose: 'sign-in', userVerified: true, ip: expect.any(String), userAgent: USER_AGENT });
    const [failed] = await step([AuthEvent.PasskeyFailed], async () => {
      expect((await http(t.url, 'POST', '/auth/passkeys/authentication', { json: { response }, headers: ua })).status).toBe(401);
    });
    expect(failed).toMatchObject({ reason: 'passkey_challenge_invalid', userAgent: USER_AGENT });
    const [removed] = await step([AuthEvent.PasskeyRemoved], async () => {
      expect((await http(t.url, 'DELETE', `/auth/passkeys/${passkeyId}`, { token: accessToken, headers: ua })).status).toBe(204);
    });
    expect(removed).toEqual({ at: expect.any(Number), userId, passkeyId, ip: expect.any(String), userAgent: USER_AGENT });
  });

  it('covers API keys (never the key in a payload)', async () => {
    const email = uniqueEmail('ev-keys');
    const reg = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD }, headers: ua });
    const userId = reg.body.user.id as string;
    let key = { id: '', key: '' };
    const [created] = await step([AuthEvent.ApiKeyCreated], async () => {
      const res = await http(t.url, 'POST', '/auth/api-keys', { token: reg.body.accessToken, json: { name: 'ci', scopes: ['reports'] }, headers: ua });
      expect(res.status).toBe(201);
      key = res.body;
    });
    secrets.push(key.key, key.key.split('.')[2]);
    expect(created).toEqual({ at: expect.any(Number), userId, keyId: key.id, scopes: ['reports'], ip: expect.any(String), userAgent: USER_AGENT });
    const [revoked] = await step([AuthEvent.ApiKeyRevoked], async () => {
      expect((await http(t.url, 'DELETE', `/auth/api-keys/${key.id}`, { token: reg.body.accessToken, headers: ua })).status).toBe(204);
    });
    expect(revoked).toEqual({ at: expect.any(Number), userId, keyId: key.id, ip: expect.any(String), userAgent: USER_AGENT });
  });
});
