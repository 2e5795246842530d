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
import { RegistrantProof } from './registrant-proof';
import { PasswordController } from './password.controller';
import { RECOVERY_MAIL_TEMPLATES, RECOVERY_NOTICE_TEMPLATES } from './recovery.mail-templates';
import { documentRecoveryRoutes } from './recovery.openapi';
import { RECOVERY_ROUTE_LIMITS } from './recovery.route-limits';

/**
 * The account lifecycle: password reset and change, email verification, account deletion (`passwordReset`,
 * `emailVerification`, `passwordChange`, `accountDeletion` options; a route whose option is off answers 404).
 */
export const recoveryFeature: AuthFeature = {
  name: 'recovery',
  routeLimits: RECOVERY_ROUTE_LIMITS,
  mailTemplates: { ...RECOVERY_MAIL_TEMPLATES, ...RECOVERY_NOTICE_TEMPLATES },
  build: (context) => {
    const services = [
      AccountMailer, PasswordNoticeMailer, RecoveryThrottle, RegistrantProof, PasswordResetService, EmailVerificationService, AccountClosingService, AccountService];
    const parts = { exports: services, oneTimeTokenKinds: Object.keys(RECOVERY_MAIL_TEMPLATES) };
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
