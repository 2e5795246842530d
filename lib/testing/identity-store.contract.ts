/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import { EmailTakenError } from '../core/errors/auth.errors';
import type { NewUserIdentity } from '../core/ports/identity-store.interface';
import type { NewUser } from '../core/ports/user-store.interface';
import { portsOf, type PortsUnderTest, type UserPorts } from './user-ports';

/** A fresh, valid email for each call. */
function uniqueEmail(tag: string): string {
  return `${tag}-${randomUUID()}@example.test`;
}

let seq = 0;
function identity(provider = 'google', overrides: Partial<NewUserIdentity> = {}): NewUserIdentity {
  seq += 1;
  return { provider, providerUserId: `${Date.now()}${seq}`, email: null, emailVerified: false, ...overrides };
}

function newUser(overrides: Partial<NewUser> = {}): NewUser {
  return { email: uniqueEmail('store'), passwordHash: null, roles: ['user'], emailVerified: true, ...overrides };
}

/** What `describeIdentityStoreContract` runs against: fresh stores (one class implementing all three ports, or one object per port). */
export interface IdentityStoreUnderTest {
  store: PortsUnderTest<'credentials' | 'identities'>;
  close(): Promise<void>;
  /** How many user records exist (to check that losers of a race leave no orphan behind). */
  countUserRecords?(): Promise<number>;
}

/**
 * The behaviour every `IdentityStore` must have (OAuth needs it), read back through its `UserStore`; `make` gives
 * fresh, empty stores.
 */
export function describeIdentityStoreContract(name: string, make: () => Promise<IdentityStoreUnderTest>): void {
  describe(`${name}: IdentityStore contract`, () => {
    let store: UserPorts['users'] & UserPorts['identities'] & UserPorts['credentials'];
    let ports: UserPorts;
    let close: () => Promise<void>;
    let countUserRecords: (() => Promise<number>) | undefined;

    beforeEach(async () => {
      const made = await make();
      ports = portsOf(made.store);
      // One object that answers every call through the right port, so the tests read as one store.
      store = {
        findById: (id) => ports.users.findById(id), findByEmail: (e) => ports.users.findByEmail(e), create: (u) => ports.users.create(u),
        setRoles: (id, r) => ports.users.setRoles(id, r), setDisabled: (id, d) => ports.users.setDisabled(id, d),
        markEmailVerified: (id) => ports.users.markEmailVerified(id),
        setPasswordHash: (id, h, o) => ports.credentials.setPasswordHash(id, h, o),
        findByIdentity: (p, id) => ports.identities.findByIdentity(p, id),
        createWithIdentity: (u, i) => ports.identities.createWithIdentity(u, i), linkIdentity: (id, i) => ports.identities.linkIdentity(id, i),
        listIdentities: (id) => ports.identities.listIdentities(id), unlinkIdentity: (id, p) => ports.identities.unlinkIdentity(id, p),
        unlinkAllIdentities: (id) => ports.identities.unlinkAllIdentities(id),
      };
      close = made.close;
      countUserRecords = made.countUserRecords;
    });

    afterEach(async () => {
      await close();
    });

    it('createWithIdentity creates the user and the identity; findByIdentity and listIdentities see them', async () => {
      const id = identity('github', { email: 'a@b.co', emailVerified: true });
      const { user, created } = await store.createWithIdentity(newUser(), id);
      expect(created).toBe(true);
      expect((await store.findByIdentity('github', id.providerUserId))?.id).toBe(user.id);
      expect(await store.findByIdentity('google', id.providerUserId)).toBeNull();
      expect(await store.listIdentities(user.id)).toEqual([{ ...id, linkedAt: expect.any(Number) }]);
      expect((await store.findByEmail(user.email!))?.id).toBe(user.id);
    });

    it('an unknown user has no identities; an unknown identity has no user', async () => {
      expect(await store.listIdentities(randomUUID())).toEqual([]);
      expect(await store.listIdentities('no-such-user')).toEqual([]);
      expect(await store.findByIdentity('google', `unknown-${randomUUID()}`)).toBeNull();
      expect(await store.unlinkIdentity(randomUUID(), 'google')).toBe('not-found');
      expect(await store.unlinkAllIdentities(randomUUID())).toBe(0);
    });

    it('a user without email: email null, no email index, any number of them', async () => {
      const a = await store.createWithIdentity(newUser({ email: null, emailVerified: false }), identity());
      const b = await store.createWithIdentity(newUser({ email: null, emailVerified: false }), identity());
      expect(a.user.id).not.toBe(b.user.id);
      expect((await store.findById(a.user.id))?.email).toBeNull();
      expect((await store.create(newUser({ email: null }))).email).toBeNull();
    });

    it('10 concurrent createWithIdentity of one identity -> exactly one user, every caller gets it', async () => {
      const id = identity('github');
      const results = await Promise.all(Array.from({ length: 10 }, () => store.createWithIdentity(newUser({ email: null }), id)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.user.id)).size).toBe(1);
      expect((await store.findByIdentity('github', id.providerUserId))?.id).toBe(results[0].user.id);
      // The losers leave no orphan records behind.
      if (countUserRecords) expect(await countUserRecords()).toBe(1);
    });

    it('createWithIdentity with a taken email throws EmailTakenError and leaves the identity unclaimed', async () => {
      const email = uniqueEmail('taken');
      await store.create(newUser({ email }));
      const id = identity();
      await expect(store.createWithIdentity(newUser({ email }), id)).rejects.toBeInstanceOf(EmailTakenError);
      expect(await store.findByIdentity('google', id.providerUserId)).toBeNull();
      const again = await store.createWithIdentity(newUser(), id);
      expect(again.created).toBe(true);
    });

    it('linkIdentity: linked, already-linked, identity-taken (with the owner), provider-taken', async () => {
      const alice = await store.create(newUser());
      const bob = await store.create(newUser());
      const id = identity('google');
      expect(await store.linkIdentity(alice.id, id)).toEqual({ status: 'linked' });
      expect(await store.linkIdentity(alice.id, id)).toEqual({ status: 'already-linked' });
      expect(await store.linkIdentity(bob.id, id)).toEqual({ status: 'identity-taken', ownerId: alice.id });
      const other = identity('google');
      expect(await store.linkIdentity(alice.id, other)).toEqual({ status: 'provider-taken' });
      expect(await store.findByIdentity('google', other.providerUserId)).toBeNull();
      expect((await store.listIdentities(alice.id)).map((i) => i.providerUserId)).toEqual([id.providerUserId]);
    });

    it('concurrent linkIdentity of one identity to two users -> exactly one owner', async () => {
      const users = await Promise.all([store.create(newUser()), store.create(newUser())]);
      const id = identity('github');
      const results = await Promise.all(users.map((u) => store.linkIdentity(u.id, id)));
      expect(results.filter((r) => r.status === 'linked')).toHaveLength(1);
      const owner = await store.findByIdentity('github', id.providerUserId);
      const loser = users.find((u) => u.id !== owner?.id)!;
      expect(await store.listIdentities(loser.id)).toEqual([]);
    });

    it('unlinkIdentity: not-found; refuses the last way to sign in; unlinks when a password or another identity remains', async () => {
      const { user } = await store.createWithIdentity(newUser(), identity('google'));
      expect(await store.unlinkIdentity(user.id, 'github')).toBe('not-found');
      expect(await store.unlinkIdentity(user.id, 'google')).toBe('last-sign-in-method');
      const gh = identity('github');
      expect((await store.linkIdentity(user.id, gh)).status).toBe('linked');
      expect(await store.unlinkIdentity(user.id, 'google')).toBe('unlinked');
      expect(await store.unlinkIdentity(user.id, 'github')).toBe('last-sign-in-method');
      await store.setPasswordHash(user.id, 'hash');
      expect(await store.unlinkIdentity(user.id, 'github')).toBe('unlinked');
      expect(await store.findByIdentity('github', gh.providerUserId)).toBeNull();
      // The identity is free again.
      const other = await store.create(newUser());
      expect(await store.linkIdentity(other.id, gh)).toEqual({ status: 'linked' });
    });

    it('two concurrent unlinks of a password-less user with two identities -> exactly one succeeds', async () => {
      const { user } = await store.createWithIdentity(newUser(), identity('google'));
      await store.linkIdentity(user.id, identity('github'));
      const results = await Promise.all([store.unlinkIdentity(user.id, 'google'), store.unlinkIdentity(user.id, 'github')]);
      expect(results.sort()).toEqual(['last-sign-in-method', 'unlinked']);
      expect(await store.listIdentities(user.id)).toHaveLength(1);
    });

    it('unlinkAllIdentities removes every identity, even the last way to sign in, and releases each one', async () => {
      const { user } = await store.createWithIdentity(newUser(), identity('google'));
      const gh = identity('github');
      await store.linkIdentity(user.id, gh);
      const google = (await store.listIdentities(user.id)).find((i) => i.provider === 'google')!;
      expect(await store.unlinkAllIdentities(user.id)).toBe(2);
      expect(await store.listIdentities(user.id)).toEqual([]);
      expect(await store.findByIdentity('github', gh.providerUserId)).toBeNull();
      expect(await store.findByIdentity('google', google.providerUserId)).toBeNull();
      expect(await store.unlinkAllIdentities(user.id)).toBe(0);
      expect(await store.unlinkAllIdentities('no-such-user')).toBe(0);
      // Released: another user can link them, and this one can link a new identity of the same provider.
      const other = await store.create(newUser());
      expect(await store.linkIdentity(other.id, gh)).toEqual({ status: 'linked' });
      expect(await store.linkIdentity(user.id, identity('github'))).toEqual({ status: 'linked' });
    });

    it('a user created with an identity is a user like any other: verified, password set, disabled, found by email', async () => {
      const { user } = await store.createWithIdentity(newUser({ emailVerified: false }), identity('github'));
      await store.markEmailVerified(user.id);
      await store.setPasswordHash(user.id, 'h');
      await store.setDisabled(user.id, true);
      expect(await store.findById(user.id)).toMatchObject({ emailVerified: true, passwordHash: 'h', disabled: true, credentialVersion: 2 });
      expect((await store.findByEmail(user.email!))?.id).toBe(user.id);
    });
  });
}
