import { Logger } from '@nestjs/common';
import { AuthError, StoreUnavailableError } from '../errors/auth.errors';
import { isOutOfMemoryReply, storeFailure } from '../errors/store-failure';
import { normalizeEmail } from './email';
import type { NewUser, StoredUser, UserStore } from '../ports/user-store.interface';

/** The longest user id the library passes to a store (refresh tokens carry at most this many bytes of id). */
export const MAX_USER_ID_LENGTH = 128;
/** Printable characters only: no spaces, no control, format or separator characters. */
const PLAUSIBLE_ID = /^[^\p{C}\p{Z}]+$/u;

/**
 * Stands between the library and an app's `UserStore`, so that adapter authors do not have to know the traps:
 * - ids that cannot be ids (empty, too long, control characters, or refused by the store's `isValidUserId`)
 *   are answered `null` without calling the store;
 * - anything the store throws other than an `AuthError` (`EmailTakenError`...) becomes `StoreUnavailableError`
 *   (503 `store_unavailable`, logged without data) instead of a 500;
 * - emails are normalised on the way in and compared normalised on the way out (a store that returns a
 *   user of another email for `findByEmail` is not believed).
 * Optional methods (the OAuth identity ones) exist on the guard exactly when the store has them.
 */
export function guardUserStore(store: UserStore, logger = new Logger('AuthKit')): UserStore {
  const name = store.constructor?.name ?? 'UserStore';
  const plausibleId = (id: unknown): id is string =>
    typeof id === 'string' && id.length > 0 && id.length <= MAX_USER_ID_LENGTH && PLAUSIBLE_ID.test(id) &&
    (typeof store.isValidUserId !== 'function' || store.isValidUserId(id) === true);

  async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (isOutOfMemoryReply(error)) throw storeFailure(error);
      // The error's name and code only: a driver's message can quote the data (an email, an id).
      const code = (error as { code?: unknown } | null)?.code;
      const what = error instanceof Error ? error.name : 'a non-Error';
      logger.error(`${name}.${method} failed (${what}${typeof code === 'string' || typeof code === 'number' ? ` ${code}` : ''}): answering 503`);
      throw new StoreUnavailableError({ cause: error });
    }
  }
  const normalised = (user: StoredUser | null): StoredUser | null =>
    user && typeof user.email === 'string' ? { ...user, email: normalizeEmail(user.email) } : user;

  // Every method the store has, with all its arguments, behind `call`; the few that take an id from a client or
  // an email, or return a user, get their checks on top. Methods the store lacks stay absent.
  const guarded: Record<string, unknown> = {};
  for (const method of storeMethods(store)) {
    const fn = (store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method];
    guarded[method] = (...args: unknown[]) => call(method, () => fn.apply(store, args));
  }
  const methods = guarded as unknown as UserStore;
  const callFindById = methods.findById;
  const callFindByEmail = methods.findByEmail;
  const callCreate = methods.create;
  methods.findById = (id) => (plausibleId(id) ? callFindById(id).then(normalised) : Promise.resolve(null));
  methods.findByEmail = (email) => {
    const wanted = normalizeEmail(email);
    return callFindByEmail(wanted).then((found) => {
      const user = normalised(found);
      return user && user.email === wanted ? user : null;
    });
  };
  methods.create = (user: NewUser) =>
    callCreate({ ...user, email: user.email === null ? null : normalizeEmail(user.email) }).then((created) => normalised(created) as StoredUser);
  const { findByIdentity: callFindByIdentity, createWithIdentity: callCreateWithIdentity } = methods;
  if (callFindByIdentity) methods.findByIdentity = (provider, id) => callFindByIdentity(provider, id).then(normalised);
  if (callCreateWithIdentity) {
    methods.createWithIdentity = (user, identity) =>
      callCreateWithIdentity({ ...user, email: user.email === null ? null : normalizeEmail(user.email) }, identity)
        .then((result) => ({ ...result, user: normalised(result.user) as StoredUser }));
  }
  delete (guarded as { isValidUserId?: unknown }).isValidUserId;
  return methods;
}

/** The names of the store's methods (own and inherited, up to `Object.prototype`), without the constructor. */
function storeMethods(store: UserStore): string[] {
  const names = new Set<string>();
  for (let proto: object | null = store; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof (store as unknown as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}
