import { AuthError } from '../../core/errors/auth.errors';

/** Why a provider token was refused (logged, and on the error for tests; the HTTP answer carries only the code). */
export type OidcTokenFailure =
  | 'malformed' | 'algorithm' | 'unknown_key' | 'signature' | 'issuer' | 'audience' | 'azp' | 'expired' | 'not_yet_valid' | 'iat'
  | 'nonce' | 'subject' | 'events' | 'userinfo_subject';

/**
 * The provider's id_token was refused: bad or missing signature, an algorithm outside the allow-list (`none`, HS*),
 * another issuer or audience, `azp` not this client, expired or issued in the future, a `nonce` not this sign-in's.
 * Nothing was signed in.
 */
export class OidcIdTokenInvalidError extends AuthError {
  static override readonly code = 'oidc_id_token_invalid';
  constructor(readonly reason: OidcTokenFailure) {
    super('The identity provider returned an invalid ID token');
  }
}

/** `POST /auth/<name>/backchannel-logout` with a logout token that does not verify (or replayed). Nothing was ended. */
export class OidcLogoutTokenInvalidError extends AuthError {
  static override readonly code = 'oidc_logout_token_invalid';
  static override readonly httpStatus = 400;
  constructor(readonly reason: OidcTokenFailure | 'replayed' | 'missing') {
    super('The logout token is invalid');
  }
}
