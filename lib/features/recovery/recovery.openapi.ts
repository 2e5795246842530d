import type { Type } from '@nestjs/common';
import type { ResolvedAccountOptions } from '../../core/options/account.options';
import { PASSWORD_MIN_LENGTH } from '../../core/users/identity-resolver.service';
import {
  ACCEPTED, documentRoutes, EMAIL, JSON_BODY_ERRORS, loadSwagger, MAILED_TOKEN, objectSchema, password, type RouteDoc, SIGNED_IN, STORE_DOWN,
} from '../../core/http/openapi';

/** The password routes: forgot and reset with `passwordReset` (on when its `url` is set), change with `passwordChange`. */
function passwordRoutes(account: Pick<ResolvedAccountOptions, 'passwordReset' | 'passwordChange'>): Record<string, RouteDoc> {
  return {
    forgot: {
      summary: 'Mail a password reset link (the same answer whether or not the email has an account)', enabled: account.passwordReset.enabled,
      body: objectSchema({ email: EMAIL }), security: [],
      success: { status: 202, description: 'Accepted; the link, if any, is mailed in the background', schema: ACCEPTED },
      errors: [[400, ['validation_failed', 'malformed_json']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    reset: {
      summary: 'Set a new password with the token of the reset link; every session of the user ends', enabled: account.passwordReset.enabled,
      body: objectSchema({ token: MAILED_TOKEN, password: password(PASSWORD_MIN_LENGTH) }), security: [],
      success: { status: 204, description: 'Password set' },
      errors: [[400, ['validation_failed', 'malformed_json', 'token_invalid', 'weak_password']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    change: {
      summary: "Change the signed-in user's password; the other sessions end", enabled: account.passwordChange.enabled,
      body: objectSchema({ currentPassword: password(0), newPassword: password(PASSWORD_MIN_LENGTH) }), security: ['bearer'],
      success: { status: 204, description: 'Password changed' },
      errors: [[400, ['validation_failed', 'malformed_json', 'weak_password']], [401, [...SIGNED_IN[1], 'invalid_credentials']],
        ...JSON_BODY_ERRORS, [429, ['too_many_attempts']], STORE_DOWN],
    },
  };
}

/** Email verification (`emailVerification`) and account deletion (`accountDeletion`). */
function accountRoutes(account: Pick<ResolvedAccountOptions, 'emailVerification' | 'accountDeletion'>): Record<string, RouteDoc> {
  return {
    requestVerification: {
      summary: 'Mail an email verification link: to the signed-in user (access token, empty body), or to { email } without a token',
      enabled: account.emailVerification.enabled, body: { type: 'object', additionalProperties: false, properties: { email: EMAIL } }, security: [],
      success: { status: 202, description: 'Accepted (the same answer whether or not the email has an account)', schema: ACCEPTED },
      errors: [[400, ['validation_failed', 'malformed_json']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    verify: {
      summary: "Verify the email with the token of the link and the account's password (or an access token of the account)",
      enabled: account.emailVerification.enabled,
      body: objectSchema({ token: MAILED_TOKEN, password: password(0) }, ['token']), security: [],
      success: { status: 204, description: 'Email verified' },
      errors: [[400, ['validation_failed', 'malformed_json', 'token_invalid']], [401, ['registrant_proof_required', 'invalid_credentials']],
        ...JSON_BODY_ERRORS, [429, ['too_many_requests', 'too_many_attempts']], STORE_DOWN],
    },
    decline: {
      summary: '"This was not me": the registrant loses the account (password removed, identities unlinked, sessions ended)',
      enabled: account.emailVerification.enabled, body: objectSchema({ token: MAILED_TOKEN }), security: [],
      success: { status: 204, description: 'Registration declined; the email is verified, set a password with "forgot password"' },
      errors: [[400, ['validation_failed', 'malformed_json', 'token_invalid']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    deleteAccount: {
      summary: "Delete the signed-in user's account, identities and sessions (the password, or a recent sign-in without one)",
      enabled: account.accountDeletion.enabled, body: objectSchema({ password: password(0) }, []), security: ['bearer'],
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
