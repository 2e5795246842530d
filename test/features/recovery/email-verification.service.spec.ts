import { OneTimeTokenInvalidError, SessionRevokedError } from '../../../lib';
import { EmailVerificationService } from '../../../lib/features/recovery/email-verification.service';
import { recoveryFixture } from '../../support/recovery-fixture';

describe('EmailVerificationService', () => {
  function setUp() {
    const f = recoveryFixture();
    return { ...f, service: new EmailVerificationService(f.users, f.accountMailer, f.throttle, f.authEvents) };
  }

  it('mails the signed-in user a link; verifying marks the email verified once and emits EmailVerified', async () => {
    const f = setUp();
    const { user, sessionId } = await f.user();
    await f.service.request({ principal: { id: user.id, sessionId, roles: [] } as never });
    await f.accountMailer.settled();
    const token = f.mailer.lastToken('ada@example.com');
    await f.service.verify(token, { ip: '10.0.0.1' });
    expect((await f.users.findById(user.id))!.emailVerified).toBe(true);
    expect(f.events).toContainEqual(expect.objectContaining({ name: 'authkit.email.verified', payload: expect.objectContaining({ userId: user.id }) }));
    await expect(f.service.verify(token)).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
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
    await expect(f.service.verify(token)).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
  });

  it('a link minted before a password change no longer verifies (bound to the credentials)', async () => {
    const f = setUp();
    const { user } = await f.user();
    await f.service.request({ email: 'ada@example.com' });
    await f.accountMailer.settled();
    const token = f.mailer.lastToken('ada@example.com');
    await f.identity.changePassword(user.id, 'a brand new passphrase');
    await expect(f.service.verify(token)).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
    expect((await f.users.findById(user.id))!.emailVerified).toBe(false);
  });
});
