import { Inject, Injectable } from '@nestjs/common';
import { OneTimeTokenInvalidError, SessionRevokedError } from '../../core/errors/auth.errors';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { RecoveryEvent } from './recovery.events';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { type StoredUser, UserStore } from '../../core/ports/user-store.interface';
import { type ParsedOneTimeToken, parseOneTimeToken } from '../../core/tokens/one-time-token';
import { AccountMailer } from './account.mailer';
import { checkEmail, RecoveryThrottle } from './recovery-throttle';
import { AccountSecuring } from '../../core/users/account-securing.service';
import { type RegistrantEvidence, RegistrantProof } from './registrant-proof';

/**
 * `POST /auth/email/verify/request`, `POST /auth/email/verify` and `POST /auth/email/verify/decline`: proving the
 * mailbox with a mailed link. A password account is created before anyone proved its email, so its registrant may
 * not own the mailbox (a pre-account takeover: someone registers your address first and waits). A click proves
 * the mailbox only: the email is verified when the click also shows the registrant (`RegistrantProof`); the
 * mailbox owner who did not sign up declines instead, which takes the account away from the registrant.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    private readonly mailer: AccountMailer,
    private readonly throttle: RecoveryThrottle,
    private readonly events: AuthEvents,
    private readonly proof: RegistrantProof,
    private readonly securing: AccountSecuring,
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
   * Marks the email verified with a verification token (single use, bound to that email), when the request also
   * shows the registrant: signed in as the account (`evidence.principal`) or with its password
   * (`evidence.password`); else `RegistrantProofRequiredError` (401 `registrant_proof_required`) or
   * `InvalidCredentialsError`, and the token stays usable. A link scanner, or anyone the mail reaches, cannot
   * verify for a squatter. Token first, like a reset: charged to the `emailVerify` route limits, then the token is
   * checked before anything else.
   */
  async verify(token: unknown, evidence: RegistrantEvidence, client: ClientInfo = {}): Promise<void> {
    const { user, email, parsed } = await this.checkToken(token, client);
    await this.proof.check(user, evidence, client);
    const current = await this.mailer.consume('email_verification', parsed);
    await this.users.markEmailVerified(current.id);
    this.events.emit(RecoveryEvent.EmailVerified, { userId: current.id, email: current.email ?? email, ip: client.ip, userAgent: client.userAgent });
  }

  /**
   * "This was not me": the mailbox owner did not register this account. With the verification token (single
   * use): the registrant's password is removed, every identity unlinked and every session ended, then the email is
   * verified (the mailbox owner sets a password through "forgot password"). Nothing a registrant set survives it,
   * and nothing of a legitimate user is touched unless they press it themselves. A verified account's token is
   * `token_invalid` here.
   */
  async decline(token: unknown, client: ClientInfo = {}): Promise<void> {
    const { user, parsed } = await this.checkToken(token, client);
    if (user.emailVerified) throw new OneTimeTokenInvalidError();
    await this.mailer.consume('email_verification', parsed);
    const { revokedSessions, identitiesRemoved } = await this.securing.secure(user.id, {
      voidPassword: true, unlinkIdentities: true, removeSecondFactors: true, verifyEmail: true,
    });
    this.events.security.record('sessions_revoked', { userId: user.id, reason: 'registration_declined', count: revokedSessions });
    this.events.emit(RecoveryEvent.RegistrationDeclined, { userId: user.id, revokedSessions, identitiesRemoved, ip: client.ip, userAgent: client.userAgent });
  }

  /** The route limits, then the token checked without being used: the user it names, with its email. */
  private async checkToken(token: unknown, client: ClientInfo): Promise<{ user: StoredUser; email: string; parsed: ParsedOneTimeToken }> {
    const parsed = parseOneTimeToken('email_verification', token);
    await this.throttle.charge('emailVerify', parsed?.userId, client);
    if (!parsed) throw new OneTimeTokenInvalidError();
    const user = await this.mailer.verify('email_verification', parsed);
    if (!user.email || !this.users.markEmailVerified) throw new OneTimeTokenInvalidError();
    return { user, email: user.email, parsed };
  }
}
