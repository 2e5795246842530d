import type { Type } from '@nestjs/common';
import type { ResolvedAccountOptions } from '../../core/options/account.options';
import { PASSWORD_MIN_LENGTH } from '../../core/users/identity-resolver.service';
import {
  ACCEPTED_MODEL, documentRoutes, EMAIL, JSON_BODY_ERRORS, loadSwagger, MAILED_TOKEN, password, requestModel, type RouteDoc, SIGNED_IN, STORE_DOWN,
} from '../../core/http/openapi';

const FORGOT_REQUEST = requestModel('AuthkitForgotPasswordRequest', { email: EMAIL });
const RESET_REQUEST = requestModel('AuthkitResetPasswordRequest', { token: MAILED_TOKEN, password: password(PASSWORD_MIN_LENGTH) });
const CHANGE_REQUEST = requestModel('AuthkitChangePasswordRequest', { currentPassword: password(0), newPassword: password(PASSWORD_MIN_LENGTH) });
/** Without an access token, the email to mail; with one, an empty body. */
const VERIFICATION_REQUEST = requestModel('AuthkitEmailVerificationRequest', { email: EMAIL }, ['email']);
const VERIFY_REQUEST = requestModel('AuthkitVerifyEmailRequest', { token: MAILED_TOKEN, password: password(0) }, ['password']);
const DECLINE_REQUEST = requestModel('AuthkitDeclineRegistrationRequest', { token: MAILED_TOKEN });
/** The password; without one (an account with no password), a recent sign-in. */
const DELETE_ACCOUNT_REQUEST = requestModel('AuthkitDeleteAccountRequest', { password: password(0) }, ['password']);

/** The password routes: forgot and reset with `passwordReset` (on when its `url` is set), change with `passwordChange`. */
function passwordRoutes(account: Pick<ResolvedAccountOptions, 'passwordReset' | 'passwordChange'>): Record<string, RouteDoc> {
  return {
    forgot: {
      summary: 'Mail a password reset link (the same answer whether or not the email has an account)', enabled: account.passwordReset.enabled,
      body: FORGOT_REQUEST, security: [],
      success: { status: 202, description: 'Accepted; the link, if any, is mailed in the background', schema: ACCEPTED_MODEL },
      errors: [[400, ['validation_failed', 'malformed_json']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    reset: {
      summary: 'Set a new password with the token of the reset link; every session of the user ends', enabled: account.passwordReset.enabled,
      body: RESET_REQUEST, security: [],
      success: { status: 204, description: 'Password set' },
      errors: [[400, ['validation_failed', 'malformed_json', 'token_invalid', 'weak_password']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    change: {
      summary: "Change the signed-in user's password; the other sessions end", enabled: account.passwordChange.enabled,
      body: CHANGE_REQUEST, security: ['bearer'],
      success: { status: 204, description: 'Password changed' },
      errors: [[400, ['validation_failed', 'malformed_json', 'weak_password']], [401, [...SIGNED_IN[1], 'invalid_credentials', 'reauthentication_required']],
        ...JSON_BODY_ERRORS, [429, ['too_many_attempts']], STORE_DOWN],
    },
  };
}

/** Email verification (`emailVerification`) and account deletion (`accountDeletion`). */
function accountRoutes(account: Pick<ResolvedAccountOptions, 'emailVerification' | 'accountDeletion'>): Record<string, RouteDoc> {
  return {
    requestVerification: {
      summary: 'Mail an email verification link: to the signed-in user (access token, empty body), or to { email } without a token',
      enabled: account.emailVerification.enabled, body: VERIFICATION_REQUEST, security: [],
      success: { status: 202, description: 'Accepted (the same answer whether or not the email has an account)', schema: ACCEPTED_MODEL },
      errors: [[400, ['validation_failed', 'malformed_json']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    verify: {
      summary: "Verify the email with the token of the link and the account's password (or an access token of the account)",
      enabled: account.emailVerification.enabled,
      body: VERIFY_REQUEST, security: [],
      success: { status: 204, description: 'Email verified' },
      errors: [[400, ['validation_failed', 'malformed_json', 'token_invalid']], [401, ['registrant_proof_required', 'invalid_credentials']],
        ...JSON_BODY_ERRORS, [429, ['too_many_requests', 'too_many_attempts']], STORE_DOWN],
    },
    decline: {
      summary: '"This was not me": the registrant loses the account (password removed, identities unlinked, sessions ended)',
      enabled: account.emailVerification.enabled, body: DECLINE_REQUEST, security: [],
      success: { status: 204, description: 'Registration declined; the email is verified, set a password with "forgot password"' },
      errors: [[400, ['validation_failed', 'malformed_json', 'token_invalid']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    deleteAccount: {
      summary: "Delete the signed-in user's account, identities and sessions (the password, or a recent sign-in without one)",
      enabled: account.accountDeletion.enabled, body: DELETE_ACCOUNT_REQUEST, security: ['bearer'],
      success: { status: 204, description: 'Account deleted' },
      errors: [[401, [...SIGNED_IN[1], 'invalid_credentials', 'reauthentication_required']], ...JSON_BODY_ERRORS, [429, ['too_many_attempts']], STORE_DOWN],
    },
  };
}


/** Documents the password (forgot, reset, change) and account (verification, deletion) routes, when the app has `@nestjs/swagger`. */
export function documentRecoveryRoutes(controllers: { password: Type; account: Type }, account: ResolvedAccountOptions): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  documentRoutes(swagger, controllers.password, passwordRoutes(account));
  documentRoutes(swagger, controllers.account, accountRoutes(account));
}
