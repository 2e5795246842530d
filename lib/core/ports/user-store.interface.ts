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
 * Port to the application's users: the part every app implements. Password hashes are written through
 * `CredentialStore` and OAuth identities through `IdentityStore`: one class may implement all three (the default
 * `RedisUserStore` and `MemoryUserStore` do, and then `userStore: MyUserStore` is all the configuration), or an app
 * implements only the ports of the features it enables (see `AdapterOptions.credentialStore` / `identityStore`).
 * Plug in your own (Prisma, TypeORM...) with
 * `AuthModule.forRootAsync({ imports: [UsersModule], useFactory: () => ({ userStore: MyUserStore, ... }) })`
 * (a class is built with the providers of `imports` visible). The library guards an app's store: implausible ids
 * never reach it, errors it throws (other than `AuthError`s) become 503 `store_unavailable`, emails are passed and
 * compared normalised. A case-insensitive email lookup (`lower(email) = $1`) still matters for legacy rows stored
 * with capitals. The shared contract suite is `describeUserStoreContract` (`nestjs-authkit/testing`).
 *
 * @example
 * ```ts
 * @Injectable()
 * export class PrismaUserStore implements UserStore, CredentialStore {
 *   constructor(private readonly prisma: PrismaService) {}
 *   findById(id: string) { return this.prisma.user.findUnique({ where: { id } }); }
 *   // ...
 * }
 * ```
 */
export interface UserStore {
  /** The user, with its `passwordHash` (`null` without a password). */
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
  // accepted, and the library does not rely on the value.

  /** Replaces the roles. */
  setRoles(id: string, roles: string[]): Promise<boolean | void>;
  /**
   * Disables or re-enables a user (`AuthUser.disabled`) and, when that changes, increments `credentialVersion`
   * atomically with it (see `AuthService.setDisabled`, which also ends the user's sessions). A disabled user
   * cannot log in or refresh.
   */
  setDisabled(id: string, disabled: boolean): Promise<boolean | void>;
  /** Records that the user's own email has been verified (a verification link, a reset mail, a provider that vouches for it). */
  markEmailVerified(id: string): Promise<boolean | void>;
  /**
   * Optional: deletes the user and its email index entry, and what else of it the class stores (its identities
   * when it is also the `IdentityStore`). Resolves to whether a user was deleted. Without it, account deletion
   * (`DELETE /auth/account`, `AuthAdminService.deleteUser`) answers 404.
   */
  deleteUser?(id: string): Promise<boolean>;
}

/** Injection token for the `UserStore` port. */
export const UserStore = Symbol('UserStore');

/** The methods of `UserStore` that every adapter has (`isValidUserId` and `deleteUser` are optional). */
export const USER_STORE_METHODS = ['findById', 'findByEmail', 'create', 'setRoles', 'setDisabled', 'markEmailVerified'] as const;

/** The names among `methods` that `store` lacks (not a function). */
export function missingMethods(store: object | null | undefined, methods: readonly string[]): string[] {
  return methods.filter((name) => typeof (store as Record<string, unknown> | null | undefined)?.[name] !== 'function');
}
