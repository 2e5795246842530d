import type { AuthorizationRequest } from './oauth2-client';
import type { OAuthProfile } from './oauth-profile';
import type { OAuthProviderName } from './oauth.options';

/** One provider's side of the authorization-code flow; `GoogleOAuthStrategy` and `GitHubOAuthStrategy` implement it. */
export interface OAuthStrategy {
  readonly name: OAuthProviderName;
  /** The provider URL the browser is redirected to (with state and the S256 PKCE challenge). */
  authorizationUrl(request: AuthorizationRequest): string;
  /** Code + PKCE verifier -> provider access token. */
  exchangeCode(code: string, codeVerifier: string): Promise<string>;
  /** The account behind an access token. */
  fetchProfile(accessToken: string): Promise<OAuthProfile>;
}

/** Injection token of the configured strategies (`ReadonlyMap<OAuthProviderName, OAuthStrategy>`). */
export const OAUTH_STRATEGIES = Symbol('authkit:oauth-strategies');
