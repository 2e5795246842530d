import { InvalidCredentialsError, OneTimeTokenInvalidError, RegistrantProofRequiredError, SessionRevokedError } from '../../../lib';
import { EmailVerificationService } from '../../../lib/features/recovery/email-verification.service';
import { recoveryFixture } from '../../support/recovery-fixture';

describe('EmailVerificationService', () => {
  function setUp() {
    const f = recoveryFixture();
    return { ...f, service: new EmailVerificationService(f.users, f.accountMailer, f.throttle, f.authEvents, f.proof, f.securing) };
  }

  it('mails the signed-in user a link; verifying marks the email verified once and emits EmailVerified', async () => {
    const f = setUp();
    const { user, sessionId } = await f.user();
    await f.service.request({ principal: { id: user.id, sessionId, roles: [] } as never });
    await f.accountMailer.settled();
    const token = f.mailer.lastToken('ada@example.com');
    await f.service.verify(token, { principal: { id: user.id, sessionId, roles: [] } as never }, { ip: '10.0.0.1' });
    expect((await f.users.findById(user.id))!.emailVerified).toBe(true);
    expect(f.events).toContainEqual(expect.objectContaining({ name: 'authkit.email.verified', payload: expect.objectContaining({ userId: user.id }) }));
    await expect(f.service.verify(token, { password: 'correct horse battery' })).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
  });

  it('by email: the same answer for an unknown email, and no mail for a verified one', async () => {
    const f = setUp();
    const { user } = await f.user();
    await f.users.markEmailVerified!(user.id);
    await f.service.request({ email: 'ada@example.com' });
    await f.service.request({ email: 'nobody@example.com' });
    await f.accountMailer.settled();
    expect(f.mailer.sent).toEqual([]);
  });

  it('a disabled user cannot ask for a link (session_revoked) nor use one', async () => {
    const f = setUp();
    const { user, sessionId } = await f.user();
    await f.service.request({ email: 'ada@example.com' });
    await f.accountMailer.settled();
    const token = f.mailer.lastToken('ada@example.com');
    await f.users.setDisabled(user.id, true);
    await expect(f.service.request({ principal: { id: user.id, sessionId, roles: [] } as never })).rejects.toBeInstanceOf(SessionRevokedError);
    await expect(f.service.verify(token, { password: 'correct horse battery' })).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
  });

  it('a link minted before a password change no longer verifies (bound to the credentials)', async () => {
    const f = setUp();
    const { user } = await f.user();
    await f.service.request({ email: 'ada@example.com' });
    await f.accountMailer.settled();
    const token = f.mailer.lastToken('ada@example.com');
    await f.identity.changePassword(user.id, 'a brand new passphrase');
    await expect(f.service.verify(token, { password: 'correct horse battery' })).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
    expect((await f.users.findById(user.id))!.emailVerified).toBe(false);
  });

  it('a click alone does not verify (registrant_proof_required); a wrong password is invalid_credentials; the token stays usable', async () => {
    const f = setUp();
    const { user } = await f.user();
    await f.service.request({ email: 'ada@example.com' });
    await f.accountMailer.settled();
    const token = f.mailer.lastToken('ada@example.com');
    await expect(f.service.verify(token, {})).rejects.toBeInstanceOf(RegistrantProofRequiredError);
    await expect(f.service.verify(token, { principal: { id: 'someone-else', sessionId: 's', roles: [] } as never })).rejects.toBeInstanceOf(RegistrantProofRequiredError);
    await expect(f.service.verify(token, { password: 'not the password' })).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect((await f.users.findById(user.id))!.emailVerified).toBe(false);
    await f.service.verify(token, { password: 'correct horse battery' });
    expect((await f.users.findById(user.id))!.emailVerified).toBe(true);
  });

  it('decline ("this was not me"): password removed, identities unlinked, sessions ended, email verified; once only', async () => {
    const f = setUp();
    const { user } = await f.user();
    await f.users.linkIdentity(user.id, { provider: 'github', providerUserId: 'squatter-1', email: null, emailVerified: false });
    await f.service.request({ email: 'ada@example.com' });
    await f.accountMailer.settled();
    const token = f.mailer.lastToken('ada@example.com');
    await f.service.decline(token);
    const after = (await f.users.findById(user.id))!;
    expect(after.passwordHash).toBeNull();
    expect(after.emailVerified).toBe(true);
    expect(await f.users.listIdentities(user.id)).toEqual([]);
    expect(await f.users.findByIdentity('github', 'squatter-1')).toBeNull();
    expect(await f.sessions.list(user.id)).toEqual([]);
    expect(f.events).toContainEqual(expect.objectContaining({
      name: 'authkit.email.registration_declined', payload: expect.objectContaining({ userId: user.id, revokedSessions: 1, identitiesRemoved: 1 }),
    }));
    await expect(f.service.decline(token)).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
  });
});
