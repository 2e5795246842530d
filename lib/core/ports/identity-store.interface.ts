import type { NewUser, StoredUser } from './user-store.interface';

/** A provider account linked to a user. Keyed by (`provider`, `providerUserId`); one per provider per user. */
export interface UserIdentity {
  provider: string;
  /** The provider's immutable id (Google `sub`, GitHub numeric `id`). */
  providerUserId: string;
  /** The email the provider reported when linked (informational; never a key). */
  email: string | null;
  emailVerified: boolean;
  /** Epoch milliseconds. */
  linkedAt: number;
}

export type NewUserIdentity = Omit<UserIdentity, 'linkedAt'>;

/**
 * - `linked`: the identity now belongs to the user.
 * - `already-linked`: it already did (idempotent).
 * - `identity-taken`: it belongs to another user (`ownerId`).
 * - `provider-taken`: the user already has another identity of this provider.
 */
export type LinkIdentityResult =
  | { status: 'linked' }
  | { status: 'already-linked' }
  | { status: 'identity-taken'; ownerId: string }
  | { status: 'provider-taken' };

/** `last-sign-in-method`: refused, nothing removed. */
export type UnlinkIdentityResult = 'unlinked' | 'not-found' | 'last-sign-in-method';

/**
 * Port to the users' OAuth / OIDC identities (provider accounts linked to users): only apps that enable OAuth
 * implement it, and the module refuses to start with OAuth providers configured and no `IdentityStore`.
 * Implement it on your `UserStore` class (then `userStore: MyUserStore` is all the configuration), or in a class
 * of its own given as `identityStore`: it works on the same users (it creates them in `createWithIdentity`, and
 * reads whether they have a password in `unlinkIdentity`). The shared contract suite is
 * `describeIdentityStoreContract` (`nestjs-authkit/testing`); `examples/typeorm-user-store` is a SQL example.
 */
export interface IdentityStore {
  /** The user owning the provider identity, or null. */
  findByIdentity(provider: string, providerUserId: string): Promise<StoredUser | null>;
  /**
   * Creates a user that owns `identity`, ATOMICALLY with respect to the identity: when concurrent
   * calls race for one identity, exactly one creates a user and the others return that user with
   * `created: false`. Throws `EmailTakenError` (creating nothing) when `user.email` is taken.
   */
  createWithIdentity(user: NewUser, identity: NewUserIdentity): Promise<{ user: StoredUser; created: boolean }>;
  /** Adds an identity to an existing user, atomically (see `LinkIdentityResult`). */
  linkIdentity(userId: string, identity: NewUserIdentity): Promise<LinkIdentityResult>;
  /** The user's identities, oldest first (empty for an unknown user). */
  listIdentities(userId: string): Promise<UserIdentity[]>;
  /**
   * Removes the user's identity of `provider`, unless it is the user's last way to sign in (no
   * password and no other identity): checked and done atomically.
   */
  unlinkIdentity(userId: string, provider: string): Promise<UnlinkIdentityResult>;
  /**
   * Removes EVERY identity of the user, with no "last way to sign in" check: used when an OAuth sign-in
   * secures an account whose email was unverified (whoever linked those identities never proved owning
   * the email), and when an account is deleted. Each identity is released (no longer found by
   * `findByIdentity`) before its entry goes. Resolves to the number removed (0 for an unknown user).
   */
  unlinkAllIdentities(userId: string): Promise<number>;
}

/** Injection token for the `IdentityStore` port. */
export const IdentityStore = Symbol('IdentityStore');

/** The methods of `IdentityStore`. */
export const IDENTITY_STORE_METHODS = [
  'findByIdentity', 'createWithIdentity', 'linkIdentity', 'listIdentities', 'unlinkIdentity', 'unlinkAllIdentities',
] as const;
