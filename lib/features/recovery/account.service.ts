import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { AccountClosingService } from './account-closing.service';
import { EmailVerificationService } from './email-verification.service';
import { PasswordNoticeMailer } from './password-notice.mailer';
import { PasswordResetService } from './password-reset.service';
import type { RegistrantEvidence } from './registrant-proof';

/**
 * The account lifecycle, independent of HTTP: password reset by mail, email verification, account deletion.
 * One-time tokens are 256-bit random, stored hashed, single use (atomic consume), short-lived and bound to
 * the user's credentials (`credentialStamp`). Mails are sent in the background, so the answer to "send me a
 * link" takes the same time whether or not the email has an account.
 *
 * @example
 * ```ts
 * await account.requestPasswordReset('ada@example.com', { ip });   // mails a link if the account exists
 * await account.resetPassword(tokenFromTheLink, 'a new password');  // ends every session
 * ```
 */
@Injectable()
export class AccountService {
  constructor(
    private readonly passwordReset: PasswordResetService,
    private readonly emailVerification: EmailVerificationService,
    private readonly closing: AccountClosingService,
    private readonly notices: PasswordNoticeMailer,
  ) {}

  /** `POST /auth/password/forgot`: see `PasswordResetService.request`. */
  requestPasswordReset(rawEmail: unknown, client: ClientInfo = {}): Promise<void> {
    return this.passwordReset.request(rawEmail, client);
  }

  /** `POST /auth/password/reset`: see `PasswordResetService.reset`; then mails the `password_changed` notice. */
  async resetPassword(token: unknown, newPassword: unknown, client: ClientInfo = {}): Promise<void> {
    const userId = await this.passwordReset.reset(token, newPassword, client);
    this.notices.sendInBackground(userId, 'reset');
  }

  /** `POST /auth/email/verify/request`: see `EmailVerificationService.request`. */
  requestEmailVerification(target: { principal?: AuthenticatedUser; email?: unknown }, client: ClientInfo = {}): Promise<void> {
    return this.emailVerification.request(target, client);
  }

  /** `POST /auth/email/verify`: see `EmailVerificationService.verify` (`evidence`: who the click shows it is). */
  verifyEmail(token: unknown, evidence: RegistrantEvidence = {}, client: ClientInfo = {}): Promise<void> {
    return this.emailVerification.verify(token, evidence, client);
  }

  /** `POST /auth/email/verify/decline` ("this was not me"): see `EmailVerificationService.decline`. */
  declineRegistration(token: unknown, client: ClientInfo = {}): Promise<void> {
    return this.emailVerification.decline(token, client);
  }

  /** `DELETE /auth/account`: see `AccountClosingService.close`. */
  deleteAccount(principal: AuthenticatedUser, password: unknown, client: ClientInfo = {}): Promise<void> {
    return this.closing.close(principal, password, client);
  }

  /** Whether the user store can delete users (else the deletion route answers 404). */
  get canDeleteUsers(): boolean {
    return this.closing.supported;
  }
}
