/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import type { ApiKeyOwner, ApiKeyRecord, ApiKeyStore, CheckApiKeyInput } from '../features/api-keys/api-key-store.interface';
import { mintApiKey, parseApiKey } from '../features/api-keys/api-key.format';
import { ManualClock } from './manual-clock';

/** Builds a fresh store on the given clock (epoch ms). Called once per test. */
export type ApiKeyStoreFactory = (now: () => number) => ApiKeyStore;

/**
 * The behaviour every `ApiKeyStore` must have: a check that matches the hash, the expiry (on the store's clock) and
 * the owner's credential version; the per-key throttle (counted for valid keys only); `lastUsedAt` kept to its
 * granularity; the per-user maximum; revoke; users kept apart.
 */
export function describeApiKeyStoreContract(name: string, makeStore: ApiKeyStoreFactory): void {
  describe(`${name}: ApiKeyStore contract`, () => {
    const NO_LIMIT = { lastUsedGranularityMs: 60_000, limit: 0, windowMs: 60_000 };

    async function created(store: ApiKeyStore, clock: ManualClock, input: { userId?: string; scopes?: string[]; ttlMs?: number | null; version?: number } = {}) {
      const userId = input.userId ?? randomUUID();
      const minted = mintApiKey('akit_', userId);
      const record: ApiKeyRecord = {
        id: minted.id, userId, name: 'ci', hash: minted.hash, scopes: input.scopes ?? ['reports'], credentialVersion: input.version ?? 0,
        createdAt: clock.now(), expiresAt: input.ttlMs === null ? null : clock.now() + (input.ttlMs ?? 86_400_000), lastUsedAt: null,
      };
      const owner: ApiKeyOwner = { roles: ['user'], credentialVersion: input.version ?? 0, checkedAt: clock.now() };
      expect(await store.create(record, owner, 10)).toBe(true);
      const parsed = parseApiKey('akit_', minted.key)!;
      const check = (extra: Partial<CheckApiKeyInput> = {}) => store.check({ ...NO_LIMIT, ...parsed, ...extra });
      return { record, owner, userId, key: minted.key, check };
    }

    it('a created key checks valid with its scopes and owner; a wrong secret or an unknown id is invalid', async () => {
      const clock = new ManualClock();
      const store = makeStore(clock.now);
      const { check, owner, record } = await created(store, clock, { scopes: ['a', 'b'] });
      expect(await check()).toEqual({ status: 'valid', scopes: ['a', 'b'], credentialVersion: 0, owner });
      expect(await check({ hash: 'x'.repeat(43) })).toEqual({ status: 'invalid' });
      expect(await check({ id: 'A'.repeat(22) })).toEqual({ status: 'invalid' });
      expect(await check({ userId: randomUUID() })).toEqual({ status: 'invalid' });
      expect((await store.list(record.userId)).map((r) => ({ ...r, lastUsedAt: null }))).toEqual([record]);
    });

    it('expires on the store clock; an expired key is not listed', async () => {
      const clock = new ManualClock();
      const store = makeStore(clock.now);
      const { check, userId } = await created(store, clock, { ttlMs: 1000 });
      const forever = await created(store, clock, { userId, ttlMs: null });
      clock.advance(999);
      expect((await check()).status).toBe('valid');
      clock.advance(1);
      expect((await check()).status).toBe('invalid');
      expect((await forever.check()).status).toBe('valid');
      expect((await store.list(userId)).map((r) => r.id)).toEqual([forever.record.id]);
    });

    it("a newer owner credential version ends the keys made under an older one; an older one changes nothing", async () => {
      const clock = new ManualClock();
      const store = makeStore(clock.now);
      const { check, userId } = await created(store, clock, { version: 2 });
      await store.setOwner(userId, { roles: ['user'], credentialVersion: 1, checkedAt: clock.now() });
      expect((await check()).status).toBe('valid');
      await store.setOwner(userId, { roles: ['admin'], credentialVersion: 2, checkedAt: clock.now() + 1 });
      expect(await check()).toMatchObject({ status: 'valid', owner: { roles: ['admin'], credentialVersion: 2 } });
      await store.setOwner(userId, { roles: ['user'], credentialVersion: 3, checkedAt: clock.now() });
      expect((await check()).status).toBe('invalid');
      expect(await store.list(userId)).toEqual([]);
      // A key made under the new version works.
      expect((await (await created(store, clock, { userId, version: 3 })).check()).status).toBe('valid');
    });

    it('setOwner for a user without keys stores nothing', async () => {
      const store = makeStore(Date.now);
      const userId = randomUUID();
      await store.setOwner(userId, { roles: ['user'], credentialVersion: 1, checkedAt: Date.now() });
      expect(await store.list(userId)).toEqual([]);
    });

    it('throttles per key within a window, counting valid checks only; the next window starts afresh', async () => {
      const clock = new ManualClock();
      const store = makeStore(clock.now);
      const { check, userId } = await created(store, clock);
      const other = await created(store, clock, { userId });
      const limited = { limit: 3, windowMs: 1000 };
      for (let i = 0; i < 5; i++) expect((await check({ ...limited, hash: 'y'.repeat(43) })).status).toBe('invalid');
      for (let i = 0; i < 3; i++) expect((await check(limited)).status).toBe('valid');
      clock.advance(400);
      expect(await check(limited)).toEqual({ status: 'throttled', retryAfterMs: 600 });
      expect((await other.check(limited)).status).toBe('valid');
      clock.advance(600);
      expect((await check(limited)).status).toBe('valid');
    });

    it('keeps lastUsedAt to the granularity', async () => {
      const clock = new ManualClock();
      const store = makeStore(clock.now);
      const { check, userId } = await created(store, clock);
      expect((await store.list(userId))[0].lastUsedAt).toBeNull();
      const first = clock.now();
      await check();
      clock.advance(59_999);
      await check();
      expect((await store.list(userId))[0].lastUsedAt).toBe(first);
      clock.advance(1);
      await check();
      expect((await store.list(userId))[0].lastUsedAt).toBe(first + 60_000);
    });

    it('refuses a key beyond the maximum of live keys; a revoked or expired one frees a place', async () => {
      const clock = new ManualClock();
      const store = makeStore(clock.now);
      const userId = randomUUID();
      const owner: ApiKeyOwner = { roles: [], credentialVersion: 0, checkedAt: clock.now() };
      const record = (expiresAt: number | null): ApiKeyRecord => {
        const minted = mintApiKey('akit_', userId);
        return { id: minted.id, userId, name: 'n', hash: minted.hash, scopes: [], credentialVersion: 0, createdAt: clock.now(), expiresAt, lastUsedAt: null };
      };
      const first = record(null);
      expect(await store.create(first, owner, 2)).toBe(true);
      expect(await store.create(record(clock.now() + 10), owner, 2)).toBe(true);
      expect(await store.create(record(null), owner, 2)).toBe(false);
      clock.advance(10);
      expect(await store.create(record(null), owner, 2)).toBe(true);
      expect(await store.create(record(null), owner, 2)).toBe(false);
      expect(await store.revoke(userId, first.id)).toBe(true);
      expect(await store.revoke(userId, first.id)).toBe(false);
      expect(await store.create(record(null), owner, 2)).toBe(true);
    });

    it('revoke and revokeAll end keys at the next check; users are kept apart', async () => {
      const clock = new ManualClock();
      const store = makeStore(clock.now);
      const a = await created(store, clock);
      const a2 = await created(store, clock, { userId: a.userId });
      const b = await created(store, clock);
      expect(await store.revoke(b.userId, a.record.id)).toBe(false);
      expect(await store.revoke(a.userId, a.record.id)).toBe(true);
      expect((await a.check()).status).toBe('invalid');
      expect((await a2.check()).status).toBe('valid');
      expect(await store.revokeAll(a.userId)).toBe(1);
      expect((await a2.check()).status).toBe('invalid');
      expect(await store.revokeAll(a.userId)).toBe(0);
      expect((await b.check()).status).toBe('valid');
    });
  });
}
