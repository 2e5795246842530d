import { Logger } from '@nestjs/common';
import { AuthError, StoreUnavailableError } from '../errors/auth.errors';
import { isOutOfMemoryReply, storeFailure } from '../errors/store-failure';
import { normalizeEmail } from './email';
import { CREDENTIAL_STORE_METHODS, type CredentialStore } from '../ports/credential-store.interface';
import { IDENTITY_STORE_METHODS, type IdentityStore } from '../ports/identity-store.interface';
import { type NewUser, type StoredUser, USER_STORE_METHODS, type UserStore } from '../ports/user-store.interface';

/** The longest user id the library passes to a store (refresh tokens carry at most this many bytes of id). */
export const MAX_USER_ID_LENGTH = 128;
/** Printable characters only: no spaces, no control, format or separator characters. */
const PLAUSIBLE_ID = /^[^\p{C}\p{Z}]+$/u;

type Methods = Record<string, (...args: unknown[]) => Promise<unknown>>;

/**
 * The port's methods of `store` (those it has, among `names`), each behind one wrapper: anything the store throws
 * other than an `AuthError` (`EmailTakenError`...) becomes `StoreUnavailableError` (503 `store_unavailable`, logged
 * without data) instead of a 500. Only the port's methods: an app's other methods are not reachable through it.
 */
function guardMethods(store: object, names: readonly string[], logger: Logger): Methods {
  const name = store.constructor?.name ?? 'store';
  const guarded: Methods = {};
  for (const method of names) {
    const fn = (store as Methods)[method];
    if (typeof fn !== 'function') continue;
    guarded[method] = async (...args: unknown[]) => {
      try {
        return await fn.apply(store, args);
      } catch (error) {
        if (error instanceof AuthError) throw error;
        if (isOutOfMemoryReply(error)) throw storeFailure(error);
        // The error's name and code only: a driver's message can quote the data (an email, an id).
        const code = (error as { code?: unknown } | null)?.code;
        const what = error instanceof Error ? error.name : 'a non-Error';
        logger.error(`${name}.${method} failed (${what}${typeof code === 'string' || typeof code === 'number' ? ` ${code}` : ''}): answering 503`);
        throw new StoreUnavailableError({ cause: error });
      }
    };
  }
  return guarded;
}

const normalised = (user: StoredUser | null): StoredUser | null =>
  user && typeof user.email === 'string' ? { ...user, email: normalizeEmail(user.email) } : user;
const withNormalEmail = (user: NewUser): NewUser => ({ ...user, email: user.email === null ? null : normalizeEmail(user.email) });

/**
 * Stands between the library and an app's `UserStore`, so that adapter authors do not have to know the traps:
 * - ids that cannot be ids (empty, too long, control characters, or refused by the store's `isValidUserId`)
 *   are answered `null` by `findById` without calling the store;
 * - errors become `StoreUnavailableError` (see `guardMethods`);
 * - emails are normalised on the way in and compared normalised on the way out (a store that returns a
 *   user of another email for `findByEmail` is not believed).
 * The optional `deleteUser` exists on the guard exactly when the store has it.
 */
export function guardUserStore(store: UserStore, logger = new Logger('AuthKit')): UserStore {
  const plausibleId = (id: unknown): id is string =>
    typeof id === 'string' && id.length > 0 && id.length <= MAX_USER_ID_LENGTH && PLAUSIBLE_ID.test(id) &&
    (typeof store.isValidUserId !== 'function' || store.isValidUserId(id) === true);
  const methods = guardMethods(store, [...USER_STORE_METHODS, 'deleteUser'], logger) as unknown as UserStore;
  const { findById, findByEmail, create } = methods;
  methods.findById = (id) => (plausibleId(id) ? findById(id).then(normalised) : Promise.resolve(null));
  methods.findByEmail = (email) => {
    const wanted = normalizeEmail(email);
    return findByEmail(wanted).then((found) => {
      const user = normalised(found);
      return user && user.email === wanted ? user : null;
    });
  };
  methods.create = (user: NewUser) => create(withNormalEmail(user)).then((created) => normalised(created) as StoredUser);
  return methods;
}

/** An app's `CredentialStore` behind the library's guard (errors become 503 `store_unavailable`). */
export function guardCredentialStore(store: CredentialStore, logger = new Logger('AuthKit')): CredentialStore {
  return guardMethods(store, CREDENTIAL_STORE_METHODS, logger) as unknown as CredentialStore;
}

/** An app's `IdentityStore` behind the library's guard: errors become 503, emails are normalised both ways. */
export function guardIdentityStore(store: IdentityStore, logger = new Logger('AuthKit')): IdentityStore {
  const methods = guardMethods(store, IDENTITY_STORE_METHODS, logger) as unknown as IdentityStore;
  const { findByIdentity, createWithIdentity } = methods;
  methods.findByIdentity = (provider, id) => findByIdentity(provider, id).then(normalised);
  methods.createWithIdentity = (user, identity) =>
    createWithIdentity(withNormalEmail(user), identity).then((result) => ({ ...result, user: normalised(result.user) as StoredUser }));
  return methods;
}
