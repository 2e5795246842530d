import { InvalidCredentialsError, TooManyAttemptsError } from '../../../lib';
import { Argon2PasswordHasher } from '../../../lib/adapters/hashing/argon2-password.hasher';
import { MemoryLoginThrottler } from '../../../lib/adapters/memory/memory-login.throttler';
import { MemoryUserStore } from '../../../lib/adapters/memory/memory-user.store';
import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';
import type { SignInPipeline } from '../../../lib/core/sign-in/sign-in-pipeline';
import { resolveThrottleRules } from '../../../lib/core/throttling/throttle.options';
import { IdentityResolver } from '../../../lib/core/users/identity-resolver.service';
import { resolveIdentityOptions } from '../../../lib/core/users/identity.options';
import { PasswordSignIn } from '../../../lib/features/password/password-sign-in';
import { ManualClock } from '../../../lib/testing/manual-clock';

/** An app's own user store (here the memory one): counts the lookups a login makes. */
class CountingUserStore extends MemoryUserStore {
  lookups = 0;
  override findByEmail(email: string) {
    this.lookups++;
    return super.findByEmail(email);
  }
}

describe('PasswordSignIn with an app user store', () => {
  it('the throttle decides first: a blocked login never asks the store about the email (issue 22)', async () => {
    const clock = new ManualClock();
    const users = new CountingUserStore();
    const hasher = new Argon2PasswordHasher({ memoryCostKiB: 1024, timeCost: 1, parallelism: 1 });
    const identity = new IdentityResolver(users, users, hasher, resolveIdentityOptions({}));
    await identity.createUser({ email: 'ada@example.com', password: 'correct horse battery' });
    const throttler = new MemoryLoginThrottler(resolveThrottleRules(undefined), undefined, clock.now);
    const signIn = new PasswordSignIn(identity, throttler, {} as SignInPipeline, new AuthEvents());
    const attempt = { email: 'ada@example.com', password: 'a wrong password' };
    for (let i = 0; i < 5; i++) await expect(signIn.login(attempt, { ip: '203.0.113.7' })).rejects.toBeInstanceOf(InvalidCredentialsError);
    const before = users.lookups;
    for (let i = 0; i < 20; i++) await expect(signIn.login(attempt, { ip: '203.0.113.7' })).rejects.toBeInstanceOf(TooManyAttemptsError);
    expect(users.lookups).toBe(before);
  });
});
