/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import { contractUser as newUser, type UserStoreProbe } from './user-store.contract';
import { portsOf, type PortsUnderTest } from './user-ports';

/** Builds fresh stores, called once per test: a class implementing `UserStore` and `CredentialStore`, or `{ users, credentials }`. */
export type CredentialStoreFactory = () => PortsUnderTest<'credentials'>;

const NEW_HASH = '$argon2id$v=19$m=2048,t=2,p=1$bmV3$bmV3';

/** The behaviour every `CredentialStore` must have, read back through its `UserStore`. */
export function describeCredentialStoreContract(name: string, make: CredentialStoreFactory, probe: UserStoreProbe = {}): void {
  describe(`${name}: CredentialStore contract`, () => {
    it('setPasswordHash replaces the hash, and null removes it', async () => {
      const { users, credentials } = portsOf(make());
      const user = await users.create(newUser());
      expect(await credentials.setPasswordHash(user.id, NEW_HASH)).not.toBe(false);
      expect((await users.findById(user.id))?.passwordHash).toBe(NEW_HASH);
      expect((await users.findByEmail(user.email!))?.passwordHash).toBe(NEW_HASH);
      await credentials.setPasswordHash(user.id, null);
      expect((await users.findById(user.id))?.passwordHash).toBeNull();
    });

    it('credentialVersion: +1 atomically with every change of the password hash (or of disabled), unchanged otherwise', async () => {
      const { users, credentials } = portsOf(make());
      const user = await users.create(newUser());
      const version = async () => (await users.findById(user.id))?.credentialVersion;
      expect(await version()).toBe(0);
      await credentials.setPasswordHash(user.id, NEW_HASH);
      expect(await version()).toBe(1);
      await credentials.setPasswordHash(user.id, NEW_HASH); // the same hash: no change
      expect(await version()).toBe(1);
      await users.setDisabled(user.id, true);
      expect(await version()).toBe(2);
      await credentials.setPasswordHash(user.id, null);
      expect(await version()).toBe(3);
      await credentials.setPasswordHash(user.id, null);
      expect(await version()).toBe(3);
    });

    it('10 concurrent password changes: 10 increments, none lost', async () => {
      const { users, credentials } = portsOf(make());
      const user = await users.create(newUser());
      await Promise.all(Array.from({ length: 10 }, (_, i) => credentials.setPasswordHash(user.id, `hash-${i}`)));
      expect((await users.findById(user.id))?.credentialVersion).toBe(10);
    });

    it('a rehash (rehashOf) replaces only that hash and keeps the credential version; a stale rehash changes nothing', async () => {
      const { users, credentials } = portsOf(make());
      const user = await users.create(newUser({ passwordHash: 'old-parameters' }));
      expect(await credentials.setPasswordHash(user.id, 'new-parameters', { rehashOf: 'old-parameters' })).not.toBe(false);
      expect(await users.findById(user.id)).toMatchObject({ passwordHash: 'new-parameters', credentialVersion: 0 });
      await credentials.setPasswordHash(user.id, 'changed-password');
      // A login that read the user before that change must not write the old password back.
      expect(await credentials.setPasswordHash(user.id, 'old-password-rehashed', { rehashOf: 'new-parameters' })).toBe(false);
      expect(await users.findById(user.id)).toMatchObject({ passwordHash: 'changed-password', credentialVersion: 1 });
    });

    it('setPasswordHash on an unknown id creates nothing and reports that nothing applied', async () => {
      const { users, credentials } = portsOf(make());
      for (const ghost of [`ghost-${randomUUID()}`, randomUUID()]) {
        for (const hash of ['hash', null]) {
          const result = await credentials.setPasswordHash(ghost, hash);
          expect(result === undefined || result === false).toBe(true);
        }
        expect(await users.findById(ghost)).toBeNull();
        if (probe.keysFor) expect(await probe.keysFor(ghost)).toEqual([]);
      }
    });

    it('setPasswordHash changes only the hash and the version', async () => {
      const { users, credentials } = portsOf(make());
      const user = await users.create(newUser({ roles: ['editor'], emailVerified: true }));
      await credentials.setPasswordHash(user.id, null);
      expect(await users.findById(user.id)).toMatchObject({
        id: user.id, email: user.email, roles: ['editor'], emailVerified: true, passwordHash: null, credentialVersion: 1,
      });
      if (probe.keysFor) expect(await probe.keysFor(user.id)).toHaveLength(1);
    });
  });
}
