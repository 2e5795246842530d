import { MemoryLoginThrottler } from '../../lib/adapters/memory/memory-login.throttler';
import { MemoryOneTimeTokenStore } from '../../lib/adapters/memory/memory-one-time-token.store';
import { MemoryRouteThrottle } from '../../lib/adapters/memory/memory-route.throttle';
import { MemorySessionStore } from '../../lib/adapters/memory/memory-session.store';
import { MemoryUserStore } from '../../lib/adapters/memory/memory-user.store';
import { Argon2PasswordHasher } from '../../lib/adapters/hashing/argon2-password.hasher';
import { AuthEvents } from '../../lib/core/events/auth-events.emitter';
import { resolveMailOptions } from '../../lib/core/mail/mail.options';
import { resolveAccountOptions, type AccountOptions } from '../../lib/core/options/account.options';
import type { Mailer, MailMessage } from '../../lib/core/ports/mailer.interface';
import { resolveSessionOptions, sessionStoreSettings } from '../../lib/core/sessions/session.options';
import { resolveRouteLimits, resolveThrottleRules } from '../../lib/core/throttling/throttle.options';
import { resolveIdentityOptions } from '../../lib/core/users/identity.options';
import { IdentityResolver } from '../../lib/core/users/identity-resolver.service';
import { AccountDeletion } from '../../lib/core/users/account-deletion.service';
import { AccountMailer } from '../../lib/features/recovery/account.mailer';
import { RecoveryThrottle } from '../../lib/features/recovery/recovery-throttle';
import { RouteLimiter } from '../../lib/core/throttling/route-limiter';
import { AccountSecuring } from '../../lib/core/users/account-securing.service';
import { RegistrantProof } from '../../lib/features/recovery/registrant-proof';
import { RECOVERY_ROUTE_LIMITS } from '../../lib/features/recovery/recovery.route-limits';
import { RECOVERY_MAIL_TEMPLATES } from '../../lib/features/recovery/recovery.mail-templates';
import { ManualClock } from '../../lib/testing/manual-clock';

/** A `Mailer` adapter that keeps what it was handed (the port, in memory; the SMTP adapter has its own tests). */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];

  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }

  /** The token of the last link mailed to `to`. */
  lastToken(to: string): string {
    const mail = [...this.sent].reverse().find((m) => m.to === to);
    const token = mail && /token=([^\s&"]+)/.exec(mail.text)?.[1];
    if (!token) throw new Error(`no link mailed to ${to}`);
    return decodeURIComponent(token);
  }
}

/** The kernel's and recovery's collaborators on memory adapters and a `ManualClock`, with a cheap argon2id. */
export function recoveryFixture(account: AccountOptions = {}) {
  const clock = new ManualClock();
  const users = new MemoryUserStore();
  const sessionOptions = resolveSessionOptions({});
  const sessions = new MemorySessionStore(sessionStoreSettings(sessionOptions), clock.now);
  const tokens = new MemoryOneTimeTokenStore(clock.now);
  const hasher = new Argon2PasswordHasher({ memoryCostKiB: 1024, timeCost: 1, parallelism: 1 });
  const identity = new IdentityResolver(users, users, hasher, resolveIdentityOptions({}));
  const events: Array<{ name: string; payload: Record<string, unknown> }> = [];
  const authEvents = new AuthEvents(undefined, { emit: (name: string, payload: unknown) => events.push({ name, payload: payload as Record<string, unknown> }) });
  const accountOptions = resolveAccountOptions({
    passwordReset: { url: 'https://app.example/reset' }, emailVerification: { url: 'https://app.example/verify' }, ...account,
  });
  const mailer = new RecordingMailer();
  const accountMailer = new AccountMailer(tokens, mailer, accountOptions, resolveMailOptions({}, RECOVERY_MAIL_TEMPLATES), users, authEvents);
  const routeThrottle = new MemoryRouteThrottle(undefined, clock.now);
  const throttle = new RecoveryThrottle(new RouteLimiter(routeThrottle, resolveRouteLimits(undefined, RECOVERY_ROUTE_LIMITS), authEvents));
  const loginThrottler = new MemoryLoginThrottler(resolveThrottleRules(undefined), undefined, clock.now);
  const securing = new AccountSecuring(users, users, sessions, users);
  const proof = new RegistrantProof(hasher, loginThrottler);
  const deletion = new AccountDeletion(users, sessions, tokens, ['password_reset', 'email_verification'], authEvents, users);
  return {
    clock, users, sessions, tokens, hasher, identity, events, authEvents, accountOptions, mailer, accountMailer, throttle, loginThrottler, deletion, securing, proof,
    /** A user with a password, and one session. */
    async user(email = 'ada@example.com', password = 'correct horse battery') {
      const user = await identity.createUser({ email, password });
      await sessions.create({ userId: user.id, sessionId: `s-${user.id}`, secretHash: 'h'.repeat(43), credentialVersion: user.credentialVersion });
      return { user, password, sessionId: `s-${user.id}` };
    },
  };
}
