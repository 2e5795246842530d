import { Inject, Injectable } from '@nestjs/common';
import { OneTimeTokenInvalidError, SessionRevokedError } from '../../core/errors/auth.errors';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { RecoveryEvent } from './recovery.events';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { type StoredUser, UserStore } from '../../core/ports/user-store.interface';
import { parseOneTimeToken } from '../../core/tokens/one-time-token';
import { AccountMailer } from './account.mailer';
import { checkEmail, RecoveryThrottle } from './recovery-throttle';

/** `POST /auth/email/verify/request` and `POST /auth/email/verify`: proving the mailbox with a mailed link. */
@Injectable()
export class EmailVerificationService {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    private readonly mailer: AccountMailer,
    private readonly throttle: RecoveryThrottle,
    private readonly events: AuthEvents,
  ) {}

  /**
   * Mails a verification link. With a principal, to that user; without, to the account of `email` if it exists
   * and is unverified (same answer and timing otherwise; throttled per ip and per email). Nothing is sent for a
   * verified email.
   */
  async request(target: { principal?: AuthenticatedUser; email?: unknown }, client: ClientInfo = {}): Promise<void> {
    let user: StoredUser | null;
    if (target.principal) {
      user = await this.users.findById(target.principal.id);
      if (!user || user.disabled) throw new SessionRevokedError();
      await this.throttle.charge('emailVerification', user.email ?? `id:${user.id}`, client);
    } else {
      const email = checkEmail(target.email);
      await this.throttle.charge('emailVerification', email, client);
      user = await this.mailer.findByEmailInConstantSteps(email);
    }
    if (user && !user.disabled && user.email && !user.emailVerified) this.mailer.sendLinkInBackground('email_verification', user);
  }

  /**
   * Marks the email verified with a verification token (single use, bound to that email). Token first, like a
   * reset: charged to the `emailVerify` route limits, then the token is checked before anything else.
   */
  async verify(token: unknown, client: ClientInfo = {}): Promise<void> {
    const parsed = parseOneTimeToken('email_verification', token);
    await this.throttle.charge('emailVerify', parsed?.userId, client);
    if (!parsed) throw new OneTimeTokenInvalidError();
    const user = await this.mailer.verify('email_verification', parsed);
    if (!user.email || !this.users.markEmailVerified) throw new OneTimeTokenInvalidError();
    const current = await this.mailer.consume('email_verification', parsed);
    await this.users.markEmailVerified(current.id);
    this.events.emit(RecoveryEvent.EmailVerified, { userId: current.id, email: current.email ?? user.email, ip: client.ip, userAgent: client.userAgent });
  }
}
