/** Options of `CredentialStore.setPasswordHash`. */
export interface SetPasswordHashOptions {
  /** Compare-and-set for a rehash: replace only this hash, and keep the credential version. */
  rehashOf?: string;
}

/**
 * Port to the users' password hashes, which password sign-in, password change and reset need. The hash is read
 * with the user (`StoredUser.passwordHash`, from `UserStore.findById` / `findByEmail`) and set at creation
 * (`NewUser.passwordHash`); this port changes it. Implement it on your `UserStore` class (then nothing else to
 * configure), or in a class of its own given as `credentialStore`. The shared contract suite is
 * `describeCredentialStoreContract` (`nestjs-authkit/testing`).
 *
 * @example
 * ```ts
 * @Injectable()
 * export class PrismaUserStore implements UserStore, CredentialStore {
 *   async setPasswordHash(id: string, passwordHash: string | null, options: SetPasswordHashOptions = {}) {
 *     // one UPDATE ... SET password_hash = $2, credential_version = credential_version + (changed ? 1 : 0)
 *   }
 * }
 * ```
 */
export interface CredentialStore {
  /**
   * Replaces the password hash (`null` removes the password) and, when it changes, increments the user's
   * `credentialVersion` atomically with it. With `options.rehashOf` (a rehash of the same password on login,
   * when the hashing parameters changed), the hash is replaced only if it is still `rehashOf`, and the
   * credential version is NOT incremented: the password is the same, so the user's sessions stay valid.
   * An unknown id changes nothing (an adapter may resolve to `false`, as the built-in ones do).
   */
  setPasswordHash(id: string, passwordHash: string | null, options?: SetPasswordHashOptions): Promise<boolean | void>;
}

/** Injection token for the `CredentialStore` port. */
export const CredentialStore = Symbol('CredentialStore');

/** The methods of `CredentialStore`. */
export const CREDENTIAL_STORE_METHODS = ['setPasswordHash'] as const;
