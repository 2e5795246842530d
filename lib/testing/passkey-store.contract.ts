import type { PasskeyChallengeRecord, PasskeyChallengeStore, PasskeyCredentialStore, StoredPasskey } from '../features/passkeys/passkey-store.interface';

/** Builds a fresh credential store for one test. */
export type PasskeyCredentialStoreFactory = () => PasskeyCredentialStore | Promise<PasskeyCredentialStore>;
/** Builds a fresh challenge store for one test. */
export type PasskeyChallengeStoreFactory = () => PasskeyChallengeStore | Promise<PasskeyChallengeStore>;

const NOW = 1_900_000_000_000;
let unique = 0;
const next = (what: string): string => `${what}-${Date.now().toString(36)}-${++unique}`;

function passkey(userId: string, overrides: Partial<StoredPasskey> = {}): StoredPasskey {
  return {
    id: next('cred').replace(/[^A-Za-z0-9_-]/g, '_'), userId, publicKey: 'pQECAyYgASFYIA', counter: 0, transports: ['internal', 'hybrid'],
    aaguid: '00000000-0000-0000-0000-000000000000', backupEligible: true, backedUp: false, name: 'Laptop', createdAt: NOW, lastUsedAt: null,
    ...overrides,
  };
}

/**
 * The behaviour every `PasskeyCredentialStore` must have (the memory and Redis adapters pass it): an id belongs to
 * one user at most (atomically: of two concurrent registrations of one id, one wins), a per-user limit, a counter
 * that only moves forward (0 stays allowed for authenticators without one), rename, remove (the id is free again).
 */
export function describePasskeyCredentialStoreContract(name: string, factory: PasskeyCredentialStoreFactory): void {
  describe(`PasskeyCredentialStore contract: ${name}`, () => {
    let store: PasskeyCredentialStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('adds, finds and lists a passkey with every field as given', async () => {
      const user = next('user');
      const first = passkey(user, { transports: [], createdAt: NOW });
      const second = passkey(user, { name: 'Phone', createdAt: NOW + 1, counter: 7, backedUp: true });
      expect(await store.add(second, 20)).toBe('added');
      expect(await store.add(first, 20)).toBe('added');
      expect(await store.find(user, first.id)).toEqual(first);
      expect(await store.list(user)).toEqual([first, second]);
      expect(await store.list(next('nobody'))).toEqual([]);
      expect(await store.find(next('other'), first.id)).toBeNull();
    });

    it('an id is registered once across users, even by concurrent calls; the limit per user holds', async () => {
      const [a, b] = [next('user'), next('user')];
      const shared = passkey(a);
      const results = await Promise.all([store.add(shared, 20), store.add({ ...shared, userId: b }, 20)]);
      expect(results.sort()).toEqual(['added', 'taken']);
      expect(await store.add(shared, 20)).toBe('taken');
      const c = next('user');
      expect(await store.add(passkey(c), 1)).toBe('added');
      const refused = passkey(c);
      expect(await store.add(refused, 1)).toBe('limit');
      // A refused id is not held: it can be registered elsewhere.
      expect(await store.add({ ...refused, userId: next('user') }, 20)).toBe('added');
    });

    it('the counter moves forward only; 0 and 0 is allowed; concurrent uses of one counter value: one wins', async () => {
      const user = next('user');
      const zero = passkey(user);
      await store.add(zero, 20);
      expect(await store.recordUse(user, zero.id, { counter: 0, backedUp: true, now: NOW + 5 })).toBe('ok');
      expect(await store.find(user, zero.id)).toMatchObject({ counter: 0, backedUp: true, lastUsedAt: NOW + 5 });
      expect(await store.recordUse(user, zero.id, { counter: 3, backedUp: false, now: NOW + 6 })).toBe('ok');
      expect(await store.recordUse(user, zero.id, { counter: 3, backedUp: false, now: NOW + 7 })).toBe('counter');
      expect(await store.recordUse(user, zero.id, { counter: 2, backedUp: false, now: NOW + 7 })).toBe('counter');
      expect(await store.recordUse(user, zero.id, { counter: 0, backedUp: false, now: NOW + 7 })).toBe('counter');
      const results = await Promise.all([4, 4, 4].map((counter) => store.recordUse(user, zero.id, { counter, backedUp: false, now: NOW + 8 })));
      expect(results.sort()).toEqual(['counter', 'counter', 'ok']);
      expect(await store.find(user, zero.id)).toMatchObject({ counter: 4, lastUsedAt: NOW + 8 });
      expect(await store.recordUse(next('other'), zero.id, { counter: 9, backedUp: false, now: NOW })).toBe('missing');
    });

    it("renames and removes the user's own only; a removed id may be registered again; removeAll gives the ids", async () => {
      const user = next('user');
      const [one, two] = [passkey(user), passkey(user, { createdAt: NOW + 1 })];
      await store.add(one, 20);
      await store.add(two, 20);
      expect(await store.rename(next('other'), one.id, 'Stolen')).toBe(false);
      expect(await store.rename(user, one.id, 'Work laptop')).toBe(true);
      expect((await store.find(user, one.id))?.name).toBe('Work laptop');
      expect(await store.remove(next('other'), one.id)).toBe(false);
      expect(await store.remove(user, one.id)).toBe(true);
      expect(await store.remove(user, one.id)).toBe(false);
      expect(await store.rename(user, one.id, 'Gone')).toBe(false);
      expect(await store.add({ ...one, userId: next('user') }, 20)).toBe('added');
      expect(await store.removeAll(user)).toEqual([two.id]);
      expect(await store.list(user)).toEqual([]);
      expect(await store.add(two, 20)).toBe('added');
      expect(await store.removeAll(next('nobody'))).toEqual([]);
    });
  });
}

const RECORD: PasskeyChallengeRecord = { purpose: 'second-factor', userId: 'u1', binding: 'b'.repeat(64), userVerification: 'preferred' };

/** The behaviour every `PasskeyChallengeStore` must have: a challenge is consumed once (atomically), and not after it expired. */
export function describePasskeyChallengeStoreContract(name: string, factory: PasskeyChallengeStoreFactory): void {
  describe(`PasskeyChallengeStore contract: ${name}`, () => {
    let store: PasskeyChallengeStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('gives the record back once, even to concurrent calls', async () => {
      const challenge = next('challenge');
      const now = Date.now();
      await store.save(challenge, RECORD, now + 60_000);
      const results = await Promise.all([store.consume(challenge, now), store.consume(challenge, now), store.consume(challenge, now)]);
      expect(results.filter((result) => result !== null)).toEqual([RECORD]);
      expect(await store.consume(challenge, now)).toBeNull();
      expect(await store.consume(next('unknown'), now)).toBeNull();
    });

    it('an expired challenge is not given back (and is gone)', async () => {
      const challenge = next('challenge');
      const now = Date.now();
      await store.save(challenge, { ...RECORD, userId: null, binding: null, purpose: 'sign-in', userVerification: 'required' }, now + 60_000);
      expect(await store.consume(challenge, now + 60_000)).toBeNull();
      expect(await store.consume(challenge, now)).toBeNull();
    });
  });
}
