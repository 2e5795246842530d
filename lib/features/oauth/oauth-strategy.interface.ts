import type { OAuthProfile } from './oauth-profile';

/** The start of an authorization: the provider URL (with our state and an S256 challenge) and the PKCE verifier to keep. */
export interface OAuthAuthorizationStart {
  url: string;
  codeVerifier: string;
}

/**
 * One provider source's side of the authorization-code flow. `GoogleOAuthStrategy` and `GitHubOAuthStrategy` (built
 * in) and `PassportOAuthStrategy` (a passport strategy) implement it; `OAuthService` keeps the state, the binding and
 * the rules around it.
 */
export interface OAuthStrategy {
  /** The source's name: its routes and the `provider` of its identities. */
  readonly name: string;
  /** The provider URL the browser is sent to for `state`, and the PKCE verifier behind its S256 challenge. */
  authorize(state: string): Promise<OAuthAuthorizationStart>;
  /** Code + PKCE verifier -> the provider account (code exchange, then profile). */
  signIn(code: string, codeVerifier: string): Promise<OAuthProfile>;
}

/** Injection token of the configured strategies (`ReadonlyMap<string, OAuthStrategy>`, by source name). */
export const OAUTH_STRATEGIES = Symbol('authkit:oauth-strategies');
