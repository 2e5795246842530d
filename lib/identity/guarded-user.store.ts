import { Logger } from '@nestjs/common';
import { AuthError, StoreUnavailableError } from '../auth.errors';
import { normalizeEmail } from './email';
import type { NewUser, StoredUser, UserStore } from './user-store.interface';

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
      logger.error(`${name}.${method} failed: ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : 'non-Error thrown'}`);
      throw new StoreUnavailableError({ cause: error });
    }
  }
  const normalised = (user: StoredUser | null): StoredUser | null =>
    user && typeof user.email === 'string' ? { ...user, email: normalizeEmail(user.email) } : user;

  const guarded: UserStore = {
    findById: (id) => (plausibleId(id) ? call('findById', async () => normalised(await store.findById(id))) : Promise.resolve(null)),
    findByEmail: (email) => {
      const wanted = normalizeEmail(email);
      return call('findByEmail', async () => {
        const user = normalised(await store.findByEmail(wanted));
        return user && user.email === wanted ? user : null;
      });
    },
    create: (user: NewUser) =>
      call('create', async () => normalised(await store.create({ ...user, email: user.email === null ? null : normalizeEmail(user.email) })) as StoredUser),
    setPasswordHash: (id, hash) => (plausibleId(id) ? call('setPasswordHash', () => store.setPasswordHash(id, hash)) : Promise.resolve(false)),
    setRoles: (id, roles) => (plausibleId(id) ? call('setRoles', () => store.setRoles(id, roles)) : Promise.resolve(false)),
    setDisabled: (id, disabled) => (plausibleId(id) ? call('setDisabled', () => store.setDisabled(id, disabled)) : Promise.resolve(false)),
  };
  const { findByIdentity, createWithIdentity, linkIdentity, listIdentities, unlinkIdentity, markEmailVerified } = store;
  if (findByIdentity) {
    guarded.findByIdentity = (provider, providerUserId) =>
      call('findByIdentity', async () => normalised(await findByIdentity.call(store, provider, providerUserId)));
  }
  if (createWithIdentity) {
    guarded.createWithIdentity = (user, identity) => call('createWithIdentity', async () => {
      const result = await createWithIdentity.call(store, { ...user, email: user.email === null ? null : normalizeEmail(user.email) }, identity);
      return { ...result, user: normalised(result.user) as StoredUser };
    });
  }
  if (linkIdentity) guarded.linkIdentity = (userId, identity) => call('linkIdentity', () => linkIdentity.call(store, userId, identity));
  if (listIdentities) {
    guarded.listIdentities = (userId) => (plausibleId(userId) ? call('listIdentities', () => listIdentities.call(store, userId)) : Promise.resolve([]));
  }
  if (unlinkIdentity) guarded.unlinkIdentity = (userId, provider) => call('unlinkIdentity', () => unlinkIdentity.call(store, userId, provider));
  if (markEmailVerified) {
    guarded.markEmailVerified = (userId) => (plausibleId(userId) ? call('markEmailVerified', () => markEmailVerified.call(store, userId)) : Promise.resolve(false));
  }
  return guarded;
}
