import { Injectable } from '@nestjs/common';
import { OneTimeTokenInvalidError, ValidationFailedError } from '../../core/errors/auth.errors';
import type { ClientInfo } from '../../core/auth.types';
import { RecoveryEvent } from './recovery.events';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { parseOneTimeToken } from '../../core/tokens/one-time-token';
import { IdentityResolver } from '../../core/users/identity-resolver.service';
import { AccountMailer } from './account.mailer';
import { AccountSecuring, isPossibleSquat } from '../../core/users/account-securing.service';
import { checkEmail, RecoveryThrottle } from './recovery-throttle';

/** `POST /auth/password/forgot` and `POST /auth/password/reset`: a new password through a mailed link. */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly securing: AccountSecuring,
    private readonly identity: IdentityResolver,
    private readonly mailer: AccountMailer,
    private readonly throttle: RecoveryThrottle,
    private readonly events: AuthEvents,
  ) {}

  /**
   * When an enabled account has this email, mails it a reset link (in the background). Same outcome and timing
   * for unknown emails; throttled per ip and per email (`TooManyRequestsError`, counted whether or not the email
   * exists).
   */
  async request(rawEmail: unknown, client: ClientInfo = {}): Promise<void> {
    const email = checkEmail(rawEmail);
    await this.throttle.charge('passwordForgot', email, client);
    const user = await this.mailer.findByEmailInConstantSteps(email);
    if (user && !user.disabled && user.email) this.mailer.sendLinkInBackground('password_reset', user);
  }

  /**
   * Sets a new password with a reset token. Token first: the request is charged to the `passwordReset` route
   * limits (per ip, and per the user id the token names), then the token is checked without being used, and only
   * then is anything said about the user or the password (`weak_password` does not burn a valid token; a forged
   * one gets `token_invalid` whatever the password). The token is then consumed atomically (of concurrent resets
   * with one token exactly one succeeds) before the new password is hashed; every session of the user ends.
   * Marks the email verified (the mail reached it). An account whose email was unverified may be a squat
   * (`isPossibleSquat`): every identity linked to it goes too, before the sessions, and its second factors. Resolves to the user's id. Throws `OneTimeTokenInvalidError`,
   * `TooManyRequestsError`.
   */
  async reset(token: unknown, newPassword: unknown, client: ClientInfo = {}): Promise<string> {
    const parsed = parseOneTimeToken('password_reset', token);
    await this.throttle.charge('passwordReset', parsed?.userId, client);
    if (!parsed) throw new OneTimeTokenInvalidError();
    const user = await this.mailer.verify('password_reset', parsed);
    if (typeof newPassword !== 'string') throw new ValidationFailedError(['password must be a string']);
    await this.identity.passwordPolicy.checkNew(newPassword, { email: user.email ?? undefined });
    await this.mailer.consume('password_reset', parsed);
    await this.identity.changePassword(user.id, newPassword);
    // Every session ends, and the new credential version becomes the floor: a login that raced the reset
    // under the old password cannot create a session that outlives it.
    const { revokedSessions } = await this.securing.secure(user.id, {
      voidPassword: false, unlinkIdentities: isPossibleSquat(user), removeSecondFactors: isPossibleSquat(user), verifyEmail: !user.emailVerified,
    });
    await this.mailer.revoke('email_verification', user.id);
    this.events.emit(RecoveryEvent.PasswordReset, { userId: user.id, revokedSessions, ip: client.ip, userAgent: client.userAgent });
    return user.id;
  }
}
