/**
 * A provider account as the library uses it. `providerUserId` is the provider's immutable id
 * (Google `sub`, GitHub numeric `id`), never an email or a login name.
 */
export interface OAuthProfile {
  /** The source's name (`google`, `github`, or a passport source's name): identities are keyed by it. */
  provider: string;
  providerUserId: string;
  /** Normalised; `null` when the provider gave none (or an invalid one). */
  email: string | null;
  /** True only when the provider says so (Google `email_verified === true`; GitHub primary + `verified: true`). */
  emailVerified: boolean;
  displayName?: string;
  /** GitHub login; informational only, never used as a key. */
  username?: string;
}
