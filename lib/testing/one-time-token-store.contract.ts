/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import { mintOneTimeToken, parseOneTimeToken } from '../core/tokens/one-time-token';
import type { OneTimeTokenStore } from '../core/ports/one-time-token-store.interface';
import { ManualClock } from './manual-clock';

/** Builds a fresh store on the given clock (epoch ms). Called once per test. */
export type OneTimeTokenStoreFactory = (now: () => number) => OneTimeTokenStore;

/**
 * The behaviour every `OneTimeTokenStore` must have: a `verify` that uses nothing, single use (atomic under concurrency), expiry on the
 * store's clock, a new token replacing the previous one of its kind, kinds and users kept apart.
 */
export function describeOneTimeTokenStoreContract(name: string, makeStore: OneTimeTokenStoreFactory): void {
  describe(`${name}: OneTimeTokenStore contract`, () => {
    const ttlMs = 30 * 60_000;

    function issued(store: OneTimeTokenStore, kind: 'password_reset' | 'email_verification' = 'password_reset', userId = randomUUID()) {
      const minted = mintOneTimeToken(kind, userId);
      return { minted, done: store.issue({ kind, userId, hash: minted.hash, binding: `b-${userId}`, ttlMs }) };
    }

    it('consume returns the binding once, then null', async () => {
      const store = makeStore(Date.now);
      const { minted, done } = issued(store);
      await done;
      const presented = parseOneTimeToken('password_reset', minted.token)!;
      expect(await store.consume({ kind: 'password_reset', ...presented })).toEqual({ binding: `b-${minted.userId}` });
      expect(await store.consume({ kind: 'password_reset', ...presented })).toBeNull();
    });

    it('of concurrent consumes of one token exactly one wins', async () => {
      const store = makeStore(Date.now);
      const { minted, done } = issued(store);
      await done;
      const presented = parseOneTimeToken('password_reset', minted.token)!;
      const results = await Promise.all(Array.from({ length: 10 }, () => store.consume({ kind: 'password_reset', ...presented })));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('a wrong hash gets null and leaves the token usable', async () => {
      const store = makeStore(Date.now);
      const { minted, done } = issued(store);
      await done;
      const other = mintOneTimeToken('password_reset', minted.userId);
      expect(await store.consume({ kind: 'password_reset', userId: minted.userId, hash: other.hash })).toBeNull();
      expect(await store.consume({ kind: 'password_reset', userId: minted.userId, hash: minted.hash })).not.toBeNull();
    });

    it('expires on the store clock', async () => {
      const clock = new ManualClock();
      const store = makeStore(clock.now);
      const { minted, done } = issued(store);
      await done;
      clock.advance(ttlMs - 1);
      const kept = issued(store);
      await kept.done;
      expect(await store.consume({ kind: 'password_reset', userId: kept.minted.userId, hash: kept.minted.hash })).not.toBeNull();
      clock.advance(1);
      expect(await store.consume({ kind: 'password_reset', userId: minted.userId, hash: minted.hash })).toBeNull();
    });

    it('a new token of the same kind replaces the previous one; other kinds and users are untouched', async () => {
      const store = makeStore(Date.now);
      const userId = randomUUID();
      const first = issued(store, 'password_reset', userId);
      await first.done;
      const verification = issued(store, 'email_verification', userId);
      await verification.done;
      const someoneElse = issued(store, 'password_reset');
      await someoneElse.done;
      const second = issued(store, 'password_reset', userId);
      await second.done;
      expect(await store.consume({ kind: 'password_reset', userId, hash: first.minted.hash })).toBeNull();
      expect(await store.consume({ kind: 'password_reset', userId, hash: second.minted.hash })).not.toBeNull();
      expect(await store.consume({ kind: 'email_verification', userId, hash: verification.minted.hash })).not.toBeNull();
      expect(await store.consume({ kind: 'password_reset', userId: someoneElse.minted.userId, hash: someoneElse.minted.hash })).not.toBeNull();
    });

    it('a token is never accepted for another kind', async () => {
      const store = makeStore(Date.now);
      const { minted, done } = issued(store, 'email_verification');
      await done;
      const asReset = parseOneTimeToken('password_reset', minted.token)!;
      expect(await store.consume({ kind: 'password_reset', ...asReset })).toBeNull();
      expect(await store.consume({ kind: 'email_verification', ...asReset })).toBeNull(); // other kind, other hash
      expect(await store.consume({ kind: 'email_verification', userId: minted.userId, hash: minted.hash })).not.toBeNull();
    });

    it('verify returns the binding without using the token; a wrong hash, another kind or an expired token get null', async () => {
      const clock = new ManualClock();
      const store = makeStore(clock.now);
      const { minted, done } = issued(store);
      await done;
      const presented = { kind: 'password_reset' as const, userId: minted.userId, hash: minted.hash };
      expect(await store.verify(presented)).toEqual({ binding: `b-${minted.userId}` });
      expect(await store.verify(presented)).toEqual({ binding: `b-${minted.userId}` });
      expect(await store.verify({ ...presented, hash: mintOneTimeToken('password_reset', minted.userId).hash })).toBeNull();
      expect(await store.verify({ ...presented, kind: 'email_verification' })).toBeNull();
      expect(await store.consume(presented)).toEqual({ binding: `b-${minted.userId}` });
      expect(await store.verify(presented)).toBeNull();
      const later = issued(store);
      await later.done;
      clock.advance(ttlMs);
      expect(await store.verify({ kind: 'password_reset', userId: later.minted.userId, hash: later.minted.hash })).toBeNull();
    });

    it('revoke forgets the token', async () => {
      const store = makeStore(Date.now);
      const { minted, done } = issued(store);
      await done;
      await store.revoke('password_reset', minted.userId);
      expect(await store.consume({ kind: 'password_reset', userId: minted.userId, hash: minted.hash })).toBeNull();
    });
  });
}
