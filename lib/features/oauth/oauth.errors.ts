import { AuthError } from '../../core/errors/auth.errors';

/** Declared in the kernel: the oidc feature's routes answer it too. */
export { OAuthProviderNotConfiguredError } from '../../core/errors/provider.errors';

/**
 * The callback's `state` is missing, unknown, expired, already used, issued for another provider,
 * or not bound to this browser (state cookie missing or different). Nothing was exchanged.
 */
export class OAuthStateInvalidError extends AuthError {
  static override readonly code = 'oauth_state_invalid';
  constructor() {
    super('The sign-in request is invalid or has expired; start again');
  }
}

/** The user declined at the provider (`error=access_denied`). */
export class OAuthAccessDeniedError extends AuthError {
  static override readonly code = 'oauth_access_denied';
  constructor() {
    super('Sign-in was cancelled at the provider');
  }
}

/** The provider redirected back with another `error=`, or without a code. */
export class OAuthProviderError extends AuthError {
  static override readonly code = 'oauth_provider_error';
  constructor() {
    super('The provider reported an error');
  }
}

/** Declared in the kernel (the oidc feature answers them too). */
export { OAuthCodeRejectedError, OAuthProviderUnavailableError } from '../../core/errors/provider.errors';

/** `unverifiedEmail: 'refuse'` and the provider did not verify the account's email. */
export class OAuthEmailUnverifiedError extends AuthError {
  static override readonly code = 'oauth_email_unverified';
  constructor() {
    super('The provider has not verified the email of this account');
  }
}

/** `linking: 'never'` and an account with the provider's email already exists. */
export class OAuthAccountExistsError extends AuthError {
  static override readonly code = 'oauth_account_exists';
  static override readonly httpStatus = 409;
  constructor() {
    super('An account with this email already exists; sign in and link the provider from your account');
  }
}

/** The provider identity already belongs to another user. */
export class OAuthIdentityInUseError extends AuthError {
  static override readonly code = 'oauth_identity_in_use';
  static override readonly httpStatus = 409;
  constructor() {
    super('This provider account is already linked to another user');
  }
}

/** The user already has another account of this provider linked. */
export class OAuthProviderAlreadyLinkedError extends AuthError {
  static override readonly code = 'oauth_provider_already_linked';
  static override readonly httpStatus = 409;
  constructor() {
    super('Another account of this provider is already linked; remove it first');
  }
}

/** `DELETE /auth/identities/:provider` for a provider the user has not linked. */
export class OAuthIdentityNotFoundError extends AuthError {
  static override readonly code = 'oauth_identity_not_found';
  static override readonly httpStatus = 404;
  constructor() {
    super('No identity of this provider is linked');
  }
}

/** Removing this identity would leave the user no way to sign in (no password, no other identity). */
export class LastSignInMethodError extends AuthError {
  static override readonly code = 'last_sign_in_method';
  static override readonly httpStatus = 409;
  constructor() {
    super('This is the only way to sign in to this account; add another first');
  }
}

/**
 * Linking a provider needs a recent sign-in: the session must have been created (by a login, not a refresh)
 * within `oauth.linkMaxAuthAgeSeconds`. Sign in again, then link. (Defined with the base errors: account
 * deletion uses it too.)
 */
export { ReauthenticationRequiredError } from '../../core/errors/auth.errors';

/**
 * `GET /auth/<provider>/link` on an account whose email has not been verified: whoever signed it up may not own
 * the email, so no provider can be attached to it (a provider sign-in with that verified email secures it instead).
 */
export class OAuthLinkEmailUnverifiedError extends AuthError {
  static override readonly code = 'oauth_link_email_unverified';
  static override readonly httpStatus = 403;
  constructor() {
    super('Verify your email before linking a provider');
  }
}
