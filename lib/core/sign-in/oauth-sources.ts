import { Injectable } from '@nestjs/common';

/**
 * A provider account as the library uses it. `providerUserId` is the provider's immutable id
 * (Google or OpenID Connect `sub`, GitHub numeric `id`), never an email or a login name.
 */
export interface OAuthProfile {
  /** The source's name (`google`, `github`, a passport or OpenID Connect source's name): identities are keyed by it. */
  provider: string;
  providerUserId: string;
  /** Normalised; `null` when the provider gave none (or an invalid one). */
  email: string | null;
  /** True only when the provider says so (Google/OIDC `email_verified === true`; GitHub primary + `verified: true`). */
  emailVerified: boolean;
  displayName?: string;
  /** GitHub login; informational only, never used as a key. */
  username?: string;
}

/** The start of an authorization: the provider URL (with our state and an S256 challenge) and the PKCE verifier to keep. */
export interface OAuthAuthorizationStart {
  url: string;
  codeVerifier: string;
}

/**
 * One provider source's side of the authorization-code flow. The oauth feature's Google, GitHub and passport
 * strategies and the oidc feature's OpenID Connect providers implement it; the oauth feature keeps the state, the
 * browser binding, the identity rules, the redirects and the sign-in around it, for every registered source.
 */
export interface OAuthStrategy {
  /** The source's name: its routes and the `provider` of its identities. */
  readonly name: string;
  /** The provider URL the browser is sent to for `state`, and the PKCE verifier behind its S256 challenge. */
  authorize(state: string): Promise<OAuthAuthorizationStart>;
  /** Code + PKCE verifier -> the provider account (code exchange, then profile). */
  signIn(code: string, codeVerifier: string): Promise<OAuthProfile>;
}

/** A source name: lower-case letters, digits and `-`, starting with a letter (it becomes a route segment and a cookie name). */
export const OAUTH_SOURCE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** Names that are routes of the auth controllers, never a source. */
export const RESERVED_SOURCE_NAMES: ReadonlySet<string> = new Set([
  'identities', 'me', 'sessions', 'login', 'register', 'refresh', 'logout', 'logout-all', 'password', 'email', 'account', 'admin',
  'callback', 'link', 'jwks', 'mfa', 'reauthenticate', 'passkeys', 'api-keys', 'magic-link', 'orgs',
]);

/**
 * The module's sign-in sources by name (kernel registry): each feature that brings a way in through a provider
 * registers its strategies here while the module is built (the oauth feature its Google, GitHub and passport
 * sources, the oidc feature its OpenID Connect providers); the oauth feature serves the routes of every one.
 * A name registered twice stops the start-up.
 */
@Injectable()
export class OAuthSourceRegistry {
  private readonly sources = new Map<string, OAuthStrategy>();

  register(strategy: OAuthStrategy, owner: string): void {
    const { name } = strategy;
    if (!OAUTH_SOURCE_NAME_PATTERN.test(name) || RESERVED_SOURCE_NAMES.has(name)) {
      throw new TypeError(`nestjs-authkit: ${owner}: "${name}" is not a valid sign-in source name`);
    }
    if (this.sources.has(name)) throw new TypeError(`nestjs-authkit: ${owner}: a sign-in source named "${name}" is already configured`);
    this.sources.set(name, strategy);
  }

  get(name: string): OAuthStrategy | undefined {
    return this.sources.get(name);
  }

  has(name: string): boolean {
    return this.sources.has(name);
  }

  /** Every registered source's name. */
  names(): string[] {
    return [...this.sources.keys()];
  }
}
