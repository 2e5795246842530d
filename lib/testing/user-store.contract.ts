/// <reference types="jest" />
import { randomBytes, randomUUID } from 'node:crypto';
import { EmailTakenError } from '../core/errors/auth.errors';
import type { IdentityStore } from '../core/ports/identity-store.interface';
import type { NewUser, UserStore } from '../core/ports/user-store.interface';

/** Builds a fresh, empty store. Called once per test. */
export type UserStoreFactory = () => UserStore;

/** What a runner can tell the contract about the store's storage, beyond the store's own reads. */
export interface UserStoreProbe {
  /**
   * Every storage key whose name carries the user id (for Redis: the keys under the hash tag `{<id>}`).
   * The contract uses it to check that an update of an unknown id wrote nothing at all.
   */
  keysFor?(id: string): Promise<string[]>;
}

export function contractEmail(tag = 'user'): string {
  return `${tag}-${randomBytes(6).toString('hex')}@example.com`;
}

export function contractUser(overrides: Partial<NewUser> = {}): NewUser {
  return { email: contractEmail(), passwordHash: '$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA', roles: ['user'], emailVerified: false, ...overrides };
}

/**
 * The behaviour every `UserStore` must have. Run it against each adapter (memory, real Redis, an app's SQL
 * store) so that they cannot drift apart. Password changes are `describeCredentialStoreContract`'s, identities
 * `describeIdentityStoreContract`'s.
 */
export function describeUserStoreContract(name: string, makeStore: UserStoreFactory, probe: UserStoreProbe = {}): void {
  const email = contractEmail;
  const newUser = contractUser;
  describe(`${name}: UserStore contract`, () => {
    it('create assigns a new id; findById and findByEmail return the same record', async () => {
      const store = makeStore();
      const input = newUser({ roles: ['user', 'editor'], emailVerified: true });
      const created = await store.create(input);
      expect(created).toMatchObject({ ...input, id: expect.any(String) });
      expect(created.id).not.toBe('');

      const byId = await store.findById(created.id);
      const byEmail = await store.findByEmail(input.email!);
      expect(byId).toMatchObject({ id: created.id, email: input.email, passwordHash: input.passwordHash, roles: ['user', 'editor'], emailVerified: true });
      expect(byId?.disabled ?? false).toBe(false);
      expect(byEmail).toEqual(byId);

      const other = await store.create(newUser());
      expect(other.id).not.toBe(created.id);
    });

    it('keeps a null password hash, a null email and emailVerified false as given', async () => {
      const store = makeStore();
      const created = await store.create(newUser({ passwordHash: null, emailVerified: false, roles: [] }));
      expect(await store.findById(created.id)).toMatchObject({ passwordHash: null, emailVerified: false, roles: [] });
      const a = await store.create(newUser({ email: null }));
      const b = await store.create(newUser({ email: null }));
      expect(a.id).not.toBe(b.id);
      expect((await store.findById(a.id))?.email).toBeNull();
    });

    it('an unknown id or email is null', async () => {
      const store = makeStore();
      await store.create(newUser());
      expect(await store.findById('no-such-id')).toBeNull();
      expect(await store.findById(randomUUID())).toBeNull();
      expect(await store.findByEmail(email('nobody'))).toBeNull();
    });

    it('a duplicate email throws EmailTakenError and leaves the first user as it was', async () => {
      const store = makeStore();
      const first = await store.create(newUser({ roles: ['admin'] }));
      await expect(store.create(newUser({ email: first.email, roles: ['user'] }))).rejects.toBeInstanceOf(EmailTakenError);
      expect(await store.findByEmail(first.email!)).toMatchObject({ id: first.id, roles: ['admin'] });
    });

    it('10 concurrent creates of one email: exactly one succeeds, the others get EmailTakenError', async () => {
      const store = makeStore();
      const shared = email('race');
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.create(newUser({ email: shared, roles: [`r${i}`] }))));
      const won = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<UserStore['create']>>> => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(9);
      for (const r of lost) expect(r.reason).toBeInstanceOf(EmailTakenError);
      expect(await store.findByEmail(shared)).toMatchObject({ id: won[0].value.id, roles: won[0].value.roles });
    });

    it('setRoles replaces the roles', async () => {
      const store = makeStore();
      const user = await store.create(newUser({ roles: ['user'] }));
      await store.setRoles(user.id, ['admin', 'user']);
      expect((await store.findById(user.id))?.roles).toEqual(['admin', 'user']);
      expect((await store.findByEmail(user.email!))?.roles).toEqual(['admin', 'user']);
      await store.setRoles(user.id, []);
      expect((await store.findById(user.id))?.roles).toEqual([]);
    });

    it('setDisabled flags and unflags the user; markEmailVerified marks the email verified', async () => {
      const store = makeStore();
      const user = await store.create(newUser());
      await store.setDisabled(user.id, true);
      expect((await store.findById(user.id))?.disabled).toBe(true);
      await store.setDisabled(user.id, false);
      expect((await store.findById(user.id))?.disabled ?? false).toBe(false);
      await store.markEmailVerified(user.id);
      expect((await store.findById(user.id))?.emailVerified).toBe(true);
    });

    it('credentialVersion: 0 at creation, +1 atomically with every change of disabled, unchanged by roles and verification', async () => {
      const store = makeStore();
      const user = await store.create(newUser());
      expect(user.credentialVersion).toBe(0);
      const version = async () => (await store.findById(user.id))?.credentialVersion;
      expect(await version()).toBe(0);
      await store.setRoles(user.id, ['admin']);
      await store.markEmailVerified(user.id);
      await store.setDisabled(user.id, false); // already enabled: no change
      expect(await version()).toBe(0);
      await store.setDisabled(user.id, true);
      expect(await version()).toBe(1);
      await store.setDisabled(user.id, true);
      expect(await version()).toBe(1);
      await store.setDisabled(user.id, false);
      expect(await version()).toBe(2);
    });

    it('updates on an unknown id create nothing: no user, no key, and they report that nothing applied', async () => {
      const store = makeStore();
      for (const ghost of [`ghost-${randomUUID()}`, randomUUID()]) {
        const applied = [
          await store.setRoles(ghost, ['admin']),
          await store.setDisabled(ghost, true),
          await store.setDisabled(ghost, false),
          await store.markEmailVerified(ghost),
        ];
        // The port's update methods may resolve to void; the built-in adapters say whether the update applied.
        for (const result of applied) expect(result === undefined || result === false).toBe(true);
        expect(await store.findById(ghost)).toBeNull();
        if (probe.keysFor) expect(await probe.keysFor(ghost)).toEqual([]);
      }
    });

    it('updates of an existing user apply and change only their own field', async () => {
      const store = makeStore();
      const user = await store.create(newUser({ roles: ['user'] }));
      expect(await store.setRoles(user.id, ['admin'])).not.toBe(false);
      expect(await store.setDisabled(user.id, true)).not.toBe(false);
      expect(await store.markEmailVerified(user.id)).not.toBe(false);
      expect(await store.findById(user.id)).toMatchObject({
        id: user.id, email: user.email, roles: ['admin'], disabled: true, emailVerified: true, passwordHash: user.passwordHash,
      });
      if (probe.keysFor) expect(await probe.keysFor(user.id)).toHaveLength(1);
    });

    it('returned records are copies: mutating one does not change the store', async () => {
      const store = makeStore();
      const user = await store.create(newUser({ roles: ['user'] }));
      user.roles.push('admin');
      const fetched = await store.findById(user.id);
      fetched!.roles.push('admin');
      expect((await store.findById(user.id))?.roles).toEqual(['user']);
    });
  });
}

/**
 * `UserStore.deleteUser` (optional in the port; needed by account deletion) and `profile` (registration
 * fields): run it against a store that implements `deleteUser` (and keeps profiles). When the same class is the
 * `IdentityStore`, its identities must go with the user.
 */
export function describeUserStoreDeletionContract(name: string, makeStore: UserStoreFactory): void {
  const newUser = contractUser;
  describe(`${name}: UserStore deletion and profile`, () => {
    it('deleteUser removes the user and frees its email; a second call resolves false', async () => {
      const store = makeStore();
      if (typeof store.deleteUser !== 'function') throw new Error(`${name} has no deleteUser()`);
      const input = newUser();
      const created = await store.create(input);
      expect(await store.deleteUser(created.id)).toBe(true);
      expect(await store.findById(created.id)).toBeNull();
      expect(await store.findByEmail(input.email!)).toBeNull();
      expect(await store.deleteUser(created.id)).toBe(false);
      const again = await store.create(input);
      expect(again.id).not.toBe(created.id);
      expect(await store.findByEmail(input.email!)).toMatchObject({ id: again.id });
    });

    it('deleteUser of an unknown id resolves false and deletes nobody', async () => {
      const store = makeStore();
      const kept = await store.create(newUser());
      expect(await store.deleteUser!(randomUUID())).toBe(false);
      expect(await store.findById(kept.id)).not.toBeNull();
    });

    it('deleteUser removes the identities of a store that is also the IdentityStore: the provider account can be linked again', async () => {
      const store = makeStore() as UserStore & Partial<IdentityStore>;
      if (!store.createWithIdentity || !store.findByIdentity) return;
      const identity = { provider: 'github', providerUserId: randomUUID(), email: null, emailVerified: false };
      const { user } = await store.createWithIdentity(newUser({ email: null, passwordHash: null }), identity);
      expect(await store.deleteUser!(user.id)).toBe(true);
      expect(await store.findByIdentity('github', identity.providerUserId)).toBeNull();
      const next = await store.createWithIdentity(newUser({ email: null, passwordHash: null }), identity);
      expect(next.created).toBe(true);
    });

    it('keeps the profile given to create', async () => {
      const store = makeStore();
      const created = await store.create({ ...newUser(), profile: { displayName: 'Ada', newsletter: true } });
      expect((await store.findById(created.id))?.profile).toEqual({ displayName: 'Ada', newsletter: true });
    });
  });
}
