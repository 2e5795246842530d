import { AuthError } from '../../core/errors/auth.errors';

/** The TOTP or recovery code is wrong, or was used before (a code is never accepted twice). */
export class MfaCodeInvalidError extends AuthError {
  static override readonly code = 'mfa_code_invalid';
  static override readonly defaultMessage = 'The code is invalid or was already used';
}

/** The MFA token is unknown, expired, used, out of tries, or from another client: sign in again. */
export class MfaTokenInvalidError extends AuthError {
  static override readonly code = 'mfa_token_invalid';
  static override readonly defaultMessage = 'The sign-in has expired; sign in again';
}

/** `POST /auth/mfa/totp/setup` while TOTP is on: turn it off first. */
export class MfaAlreadyEnabledError extends AuthError {
  static override readonly code = 'mfa_already_enabled';
  static override readonly httpStatus = 409;
  static override readonly defaultMessage = 'Two-factor authentication is already on';
}

/** The action needs TOTP on (disable, new recovery codes). */
export class MfaNotEnabledError extends AuthError {
  static override readonly code = 'mfa_not_enabled';
  static override readonly httpStatus = 409;
  static override readonly defaultMessage = 'Two-factor authentication is not on';
}

/** `POST /auth/mfa/totp/confirm` without a live setup (none, or expired): start again. */
export class MfaSetupRequiredError extends AuthError {
  static override readonly code = 'mfa_setup_required';
  static override readonly httpStatus = 400;
  static override readonly defaultMessage = 'Set up two-factor authentication first (or again: the setup expired)';
}

/** `mfa.required` covers this user, who has no second factor yet: only enrolment is open. */
export class MfaEnrolmentRequiredError extends AuthError {
  static override readonly code = 'mfa_enrolment_required';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'Set up two-factor authentication to continue';
}
