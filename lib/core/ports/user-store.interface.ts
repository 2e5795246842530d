/** What the library needs to know about a user. */
export interface AuthUser {
  id: string;
  /**
   * Normalised (trimmed, lower-case). `null` for a user created by an OAuth sign-in whose provider
   * did not verify an email (such a user has no password either).
   */
  email: string | null;
  roles: string[];
  emailVerified: boolean;
  disabled?: boolean;
  /** The app's registration fields (`registrationFields` option), as given to `create`. */
  profile?: Record<string, unknown>;
  /**
   * Incremented by the store, atomically with the change, whenever the user's credentials change: the password
   * hash is set to a different value or removed, the user is disabled or re-enabled. A session records the
   * version it was created under; a refresh of a session older than the user's version fails and ends it,
   * so a login that raced a password change cannot outlive it. Absent (adapters without versions): 0.
   */
  credentialVersion?: number;
}

/** A user as stored, with the password hash (`null` for accounts without a password). */
export interface StoredUser extends AuthUser {
  passwordHash: string | null;
}

/** Options of `UserStore.setPasswordHash`. */
export interface SetPasswordHashOptions {
  /** Compare-and-set for a rehash: replace only this hash, and keep the credential version. */
  rehashOf?: string;
}

/** A user's credential version: `credentialVersion`, or 0 for adapters that do not keep one. */
export function credentialVersionOf(user: Pick<AuthUser, 'credentialVersion'>): number {
  const version = user.credentialVersion;
  return typeof version === 'number' && Number.isSafeInteger(version) && version > 0 ? version : 0;
}

export interface NewUser {
  /** `null`: the user has no email (and so no email index entry). */
  email: string | null;
  passwordHash: string | null;
  roles: string[];
  emailVerified: boolean;
  /** Validated registration fields (`registrationFields` option); absent without. Store them as you like. */
  profile?: Record<string, unknown>;
}

/**
 * Port to the application's users. Plug in your own (Prisma, TypeORM...) with
 * `AuthModule.forRootAsync({ imports: [UsersModule], useFactory: () => ({ userStore: MyUserStore, ... }) })`
 * (a class is built with the providers of `imports` visible); `RedisUserStore` and `MemoryUserStore` are the
 * defaults. The library guards an app's store: implausible ids never reach it, errors it throws (other than
 * `AuthError`s) become 503 `store_unavailable`, emails are passed and compared normalised. A case-insensitive
 * email lookup (`lower(email) = $1`) still matters for legacy rows stored with capitals.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class PrismaUserStore implements UserStore {
 *   constructor(private readonly prisma: PrismaService) {}
 *   findById(id: string) { return this.prisma.user.findUnique({ where: { id } }); }
 *   // ...
 * }
 * ```
 */
export interface UserStore {
  findById(id: string): Promise<StoredUser | null>;
  /** `email` is already normalised. */
  findByEmail(email: string): Promise<StoredUser | null>;
  /** Creates a user with a new id. Must throw `EmailTakenError` when the email is taken (atomically). */
  create(user: NewUser): Promise<StoredUser>;
  /**
   * Optional: whether `id` has the form of this store's ids (a uuid, digits...). The library asks before any
   * lookup with an id that came from a client's token, so a forged id never reaches the database (where a
   * uuid column would throw). Without it the library still refuses empty, over-long and non-printable ids.
   */
  isValidUserId?(id: string): boolean;

  // Updates of an existing user. An unknown id must create nothing (no record, no storage key). An adapter
  // may resolve to whether the update applied (`false`: no such user), as the built-in ones do; `void` is
  // accepted so that existing adapters keep compiling, and the library does not rely on the value.

  /**
   * Replaces the password hash (`null` removes the password) and, when it changes, increments
   * `credentialVersion` atomically with it. With `options.rehashOf` (a rehash of the same password on login,
   * when the hashing parameters changed), the hash is replaced only if it is still `rehashOf`, and the
   * credential version is NOT incremented: the password is the same, so the user's sessions stay valid.
   */
  setPasswordHash(id: string, passwordHash: string | null, options?: SetPasswordHashOptions): Promise<boolean | void>;
  /** Replaces the roles. */
  setRoles(id: string, roles: string[]): Promise<boolean | void>;

  // Account status (see `AuthService.setDisabled`, which also ends the user's sessions).

  /**
   * Disables or re-enables a user (`AuthUser.disabled`) and, when that changes, increments `credentialVersion`
   * atomically with it. A disabled user cannot log in or refresh. No-op for an unknown id.
   */
  setDisabled(id: string, disabled: boolean): Promise<boolean | void>;

  // OAuth identities. Optional for stores of apps that do not use OAuth; `RedisUserStore` and
  // `MemoryUserStore` implement them, and the module refuses to start with OAuth providers configured
  // and a store without them. The shared contract suite is `lib/testing/user-store-identities.contract.ts` (`nestjs-authkit/testing`).

  /** The user owning the provider identity, or null. */
  findByIdentity?(provider: string, providerUserId: string): Promise<StoredUser | null>;
  /**
   * Creates a user that owns `identity`, ATOMICALLY with respect to the identity: when concurrent
   * calls race for one identity, exactly one creates a user and the others return that user with
   * `created: false`. Throws `EmailTakenError` (creating nothing) when `user.email` is taken.
   */
  createWithIdentity?(user: NewUser, identity: NewUserIdentity): Promise<{ user: StoredUser; created: boolean }>;
  /** Adds an identity to an existing user, atomically (see `LinkIdentityResult`). */
  linkIdentity?(userId: string, identity: NewUserIdentity): Promise<LinkIdentityResult>;
  /** The user's identities, oldest first. */
  listIdentities?(userId: string): Promise<UserIdentity[]>;
  /**
   * Removes the user's identity of `provider`, unless it is the user's last way to sign in (no
   * password and no other identity): checked and done atomically.
   */
  unlinkIdentity?(userId: string, provider: string): Promise<UnlinkIdentityResult>;
  /** Records that the user's own email has been verified (e.g. by a provider that vouches for it). */
  markEmailVerified?(userId: string): Promise<boolean | void>;
  /**
   * Removes EVERY identity of the user, with no "last way to sign in" check: used when an OAuth sign-in
   * secures an account whose email was unverified (whoever linked those identities never proved owning
   * the email), just before the new identity is linked. Each identity is released (no longer found by
   * `findByIdentity`) before its entry goes. Resolves to the number removed.
   */
  unlinkAllIdentities?(userId: string): Promise<number>;

  /**
   * Deletes the user, its email index entry and its identities (`DELETE /auth/account`, `AuthAdminService.deleteUser`).
   * Resolves to whether a user was deleted. Optional: without it, account deletion answers 404.
   */
  deleteUser?(userId: string): Promise<boolean>;
}

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

/** The identity methods of `UserStore`, all present. */
export type IdentityUserStore = UserStore & Required<Pick<UserStore,
  'findByIdentity' | 'createWithIdentity' | 'linkIdentity' | 'listIdentities' | 'unlinkIdentity' | 'markEmailVerified' |
  'unlinkAllIdentities'>>;

const IDENTITY_METHODS = [
  'findByIdentity', 'createWithIdentity', 'linkIdentity', 'listIdentities', 'unlinkIdentity', 'markEmailVerified', 'unlinkAllIdentities',
] as const;

/** The identity methods a store lacks (empty when it supports OAuth). */
export function missingIdentityMethods(store: UserStore): string[] {
  return IDENTITY_METHODS.filter((name) => typeof store[name] !== 'function');
}

/** Injection token for the `UserStore` port. */
export const UserStore = Symbol('UserStore');
