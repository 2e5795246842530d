import { OneTimeTokenInvalidError, TooManyRequestsError, WeakPasswordError } from '../../../lib';
import { PasswordResetService } from '../../../lib/features/recovery/password-reset.service';
import { recoveryFixture } from '../../support/recovery-fixture';

describe('PasswordResetService', () => {
  function setUp() {
    const f = recoveryFixture();
    return { ...f, service: new PasswordResetService(f.securing, f.identity, f.accountMailer, f.throttle, f.authEvents) };
  }

  it('mails a link to an existing account and nothing for an unknown email (same answer)', async () => {
    const f = setUp();
    await f.user();
    await f.service.request('Ada@Example.com ');
    await f.service.request('nobody@example.com');
    await f.accountMailer.settled();
    expect(f.mailer.sent.map((m) => [m.kind, m.to])).toEqual([['password_reset', 'ada@example.com']]);
  });

  it('a reset sets the password, ends every session, verifies the email and emits PasswordReset', async () => {
    const f = setUp();
    const { user } = await f.user();
    await f.service.request('ada@example.com');
    await f.accountMailer.settled();
    await f.service.reset(f.mailer.lastToken('ada@example.com'), 'a brand new passphrase', { ip: '10.0.0.1' });
    expect(await f.sessions.list(user.id)).toEqual([]);
    const updated = (await f.users.findById(user.id))!;
    expect(updated.emailVerified).toBe(true);
    expect(await f.hasher.verify(updated.passwordHash!, 'a brand new passphrase')).toBe(true);
    expect(updated.credentialVersion).toBeGreaterThan(user.credentialVersion ?? 0);
    expect(f.events).toContainEqual(expect.objectContaining({ name: 'authkit.password.reset', payload: expect.objectContaining({ userId: user.id, revokedSessions: 1 }) }));
  });

  it('a token works once; a forged token and a used one are token_invalid and cost no hashing', async () => {
    const f = setUp();
    await f.user();
    await f.service.request('ada@example.com');
    await f.accountMailer.settled();
    const token = f.mailer.lastToken('ada@example.com');
    await f.service.reset(token, 'a brand new passphrase');
    const hash = jest.spyOn(f.hasher, 'hash');
    await expect(f.service.reset(token, 'another new passphrase')).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
    const [userPart] = token.split('.');
    await expect(f.service.reset(`${userPart}.${'A'.repeat(43)}`, 'another new passphrase')).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
    expect(hash).not.toHaveBeenCalled();
  });

  it('a weak password is refused before the token is used, so the link still works', async () => {
    const f = setUp();
    await f.user();
    await f.service.request('ada@example.com');
    await f.accountMailer.settled();
    const token = f.mailer.lastToken('ada@example.com');
    await expect(f.service.reset(token, 'password')).rejects.toBeInstanceOf(WeakPasswordError);
    await expect(f.service.reset(token, 'a brand new passphrase')).resolves.toBe((await f.users.findByEmail('ada@example.com'))!.id);
  });

  it('a link expires with its time-to-live (ManualClock)', async () => {
    const f = setUp();
    await f.user();
    await f.service.request('ada@example.com');
    await f.accountMailer.settled();
    f.clock.advance(f.accountOptions.passwordReset.ttlSeconds * 1000 + 1);
    await expect(f.service.reset(f.mailer.lastToken('ada@example.com'), 'a brand new passphrase')).rejects.toBeInstanceOf(OneTimeTokenInvalidError);
  });

  it('requests are throttled per email, known or not, and the refusal is an event', async () => {
    const f = setUp();
    const refusals: unknown[] = [];
    for (let i = 0; i < 10; i += 1) {
      await f.service.request('nobody@example.com', { ip: `10.0.0.${i}` }).catch((error: unknown) => refusals.push(error));
    }
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((e) => e instanceof TooManyRequestsError)).toBe(true);
    expect(f.events.some((e) => e.name === 'authkit.throttled' && e.payload.action === 'password_forgot')).toBe(true);
  });

  it('a reset of an account whose email was unverified (a possible squat) unlinks its identities; a verified one keeps them', async () => {
    const f = setUp();
    const squat = (await f.user('squat@example.com')).user;
    await f.users.linkIdentity(squat.id, { provider: 'github', providerUserId: 'squatter-gh', email: null, emailVerified: false });
    const owned = (await f.user('owned@example.com')).user;
    await f.users.markEmailVerified(owned.id);
    await f.users.linkIdentity(owned.id, { provider: 'github', providerUserId: 'owner-gh', email: null, emailVerified: false });
    for (const email of ['squat@example.com', 'owned@example.com']) {
      await f.service.request(email);
      await f.accountMailer.settled();
      await f.service.reset(f.mailer.lastToken(email), 'a brand new passphrase');
    }
    expect(await f.users.listIdentities(squat.id)).toEqual([]);
    expect(await f.users.findByIdentity('github', 'squatter-gh')).toBeNull();
    expect((await f.users.listIdentities(owned.id)).map((i) => i.providerUserId)).toEqual(['owner-gh']);
  });
});
