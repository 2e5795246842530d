import { AuthError } from './auth.errors';

/**
 * A sign-in provider (OAuth or OpenID Connect) could not be reached in time or answered something unusable
 * (discovery, keys, token or profile endpoint). Declared in the kernel: every provider feature answers it.
 */
export class OAuthProviderUnavailableError extends AuthError {
  static override readonly code = 'oauth_provider_unavailable';
  static override readonly httpStatus = 503;
  constructor(options?: { cause?: unknown }) {
    super('The sign-in provider is unavailable; try again shortly', options);
  }
}

/** The token endpoint refused the authorization code (unknown, expired, reused, wrong PKCE verifier...). */
export class OAuthCodeRejectedError extends AuthError {
  static override readonly code = 'oauth_code_rejected';
  constructor() {
    super('The provider rejected the authorization code');
  }
}

/** The provider in the route is not configured (its routes answer 404). */
export class OAuthProviderNotConfiguredError extends AuthError {
  static override readonly code = 'oauth_provider_not_configured';
  static override readonly httpStatus = 404;
  constructor() {
    super('This sign-in provider is not configured');
  }
}
