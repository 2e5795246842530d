import type { AuthFeature } from '../../core/feature/auth-feature';
import { openApiDocs } from '../../core/feature/auth-feature';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { AccountController } from './account.controller';
import { AccountMailer } from './account.mailer';
import { PasswordNoticeMailer } from './password-notice.mailer';
import { AccountService } from './account.service';
import { AccountClosingService } from './account-closing.service';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetService } from './password-reset.service';
import { RecoveryThrottle } from './recovery-throttle';
import { PasswordController } from './password.controller';
import { documentRecoveryRoutes } from './recovery.openapi';

/**
 * The account lifecycle: password reset and change, email verification, account deletion (`passwordReset`,
 * `emailVerification`, `passwordChange`, `accountDeletion` options; a route whose option is off answers 404).
 */
export const recoveryFeature: AuthFeature = {
  name: 'recovery',
  build: (context) => {
    const services = [AccountMailer, PasswordNoticeMailer, RecoveryThrottle, PasswordResetService, EmailVerificationService, AccountClosingService, AccountService];
    const parts = { exports: services, oneTimeTokenKinds: ['password_reset', 'email_verification'] };
    if (!context.controllers) return { ...parts, providers: services };
    const controllers = { password: context.mount(PasswordController), account: context.mount(AccountController) };
    return {
      ...parts,
      providers: [
        ...services,
        openApiDocs('recovery', [ACCOUNT_OPTIONS], (account: ResolvedAccountOptions) => documentRecoveryRoutes(controllers, account)),
      ],
      controllers: [controllers.password, controllers.account],
    };
  },
};
