import type { ClientInfo } from '../auth.types';
import type { AuthUser } from '../ports/user-store.interface';

/** What `hooks.beforeRegister` gets. */
export interface BeforeRegisterContext {
  /** Normalised email. */
  email: string;
  /** The validated registration fields (`registrationFields`), `{}` without. */
  fields: Record<string, unknown>;
  client: ClientInfo;
}

/** What `hooks.beforeLogin` gets: the credentials were right (or the provider vouched). */
export interface BeforeLoginContext {
  user: AuthUser;
  method: 'password' | 'oauth' | 'passkey' | 'magic_link';
  /** The OAuth provider, for `method: 'oauth'`. */
  provider?: string;
  client: ClientInfo;
}

/** What `hooks.beforeOAuthLink` gets. */
export interface BeforeOAuthLinkContext {
  /** The user the identity is about to be linked to. */
  user: AuthUser;
  provider: string;
  providerUserId: string;
  /** The email the provider reported, and whether it vouches for it. */
  email: string | null;
  emailVerified: boolean;
}

/**
 * Hooks that can say no: each may be async and may throw an `AuthError` (e.g. `AuthRejectedError`) whose
 * code reaches the client; anything else thrown is a 500. They run before the action has any effect.
 *
 * @example
 * ```ts
 * hooks: {
 *   beforeRegister: async ({ email }) => {
 *     if (!email.endsWith('@acme.com')) throw new AuthRejectedError('email_domain_not_allowed', 'Use your acme.com address');
 *   },
 * }
 * ```
 */
export interface AuthHooks {
  /** Before a self-registration, before the password is hashed. */
  beforeRegister?(context: BeforeRegisterContext): void | Promise<void>;
  /** Before a session starts for a password or OAuth login (after the credentials were checked). */
  beforeLogin?(context: BeforeLoginContext): void | Promise<void>;
  /** Before an OAuth identity is linked to an existing user (explicit linking, or linking by a verified email). */
  beforeOAuthLink?(context: BeforeOAuthLinkContext): void | Promise<void>;
}
