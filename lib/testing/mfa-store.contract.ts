import type { MfaChallengeRecord, MfaChallengeStore, MfaFactorStore } from '../features/mfa/mfa-store.interface';

/** Builds a fresh factor store for one test. */
export type MfaFactorStoreFactory = () => MfaFactorStore | Promise<MfaFactorStore>;
/** Builds a fresh challenge store for one test. */
export type MfaChallengeStoreFactory = () => MfaChallengeStore | Promise<MfaChallengeStore>;

const NOW = 1_900_000_000_000;
const hash = (n: number): string => n.toString(16).padStart(64, '0');
let unique = 0;
const userId = (): string => `mfa-user-${Date.now().toString(36)}-${++unique}`;

/**
 * The behaviour every `MfaFactorStore` must have (the memory and Redis adapters pass it): pending secrets expire,
 * confirmation and accepted steps only move forward (atomically: of concurrent calls with one step, one wins),
 * recovery codes are single use, removing keeps the last step.
 */
export function describeMfaFactorStoreContract(name: string, factory: MfaFactorStoreFactory): void {
  describe(`MfaFactorStore contract: ${name}`, () => {
    let store: MfaFactorStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('a user without a record has nothing; a pending secret is seen until it expires and cannot be confirmed after', async () => {
      const user = userId();
      expect(await store.factors(user, NOW)).toEqual({ totpSecret: null, pendingTotpSecret: null, recoveryCodesLeft: 0 });
      await store.savePendingTotp(user, 'cipher-1', NOW + 1000);
      expect(await store.factors(user, NOW)).toEqual({ totpSecret: null, pendingTotpSecret: 'cipher-1', recoveryCodesLeft: 0 });
      expect((await store.factors(user, NOW + 1000)).pendingTotpSecret).toBeNull();
      expect(await store.confirmTotp(user, { step: 10, recoveryCodeHashes: [hash(1)], now: NOW + 1000 })).toBe('no_pending');
      expect(await store.acceptStep(user, 10)).toBe(false);
    });

    it('confirming turns the pending secret on with its recovery codes; the confirming step is used', async () => {
      const user = userId();
      await store.savePendingTotp(user, 'cipher-1', NOW + 60_000);
      expect(await store.confirmTotp(user, { step: 100, recoveryCodeHashes: [hash(1), hash(2), hash(3)], now: NOW })).toBe('confirmed');
      expect(await store.factors(user, NOW)).toEqual({ totpSecret: 'cipher-1', pendingTotpSecret: null, recoveryCodesLeft: 3 });
      expect(await store.acceptStep(user, 100)).toBe(false);
      expect(await store.acceptStep(user, 99)).toBe(false);
      expect(await store.acceptStep(user, 101)).toBe(true);
      expect(await store.acceptStep(user, 101)).toBe(false);
    });

    it('concurrent acceptStep calls with one step: exactly one is true', async () => {
      const user = userId();
      await store.savePendingTotp(user, 'c', NOW + 60_000);
      await store.confirmTotp(user, { step: 5, recoveryCodeHashes: [], now: NOW });
      const results = await Promise.all(Array.from({ length: 10 }, () => store.acceptStep(user, 6)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('a new setup after removal cannot confirm with a step at or before the last accepted one', async () => {
      const user = userId();
      await store.savePendingTotp(user, 'c1', NOW + 60_000);
      await store.confirmTotp(user, { step: 50, recoveryCodeHashes: [hash(1)], now: NOW });
      expect(await store.removeAll(user)).toBe(true);
      expect(await store.factors(user, NOW)).toEqual({ totpSecret: null, pendingTotpSecret: null, recoveryCodesLeft: 0 });
      expect(await store.removeAll(user)).toBe(false);
      await store.savePendingTotp(user, 'c2', NOW + 60_000);
      expect(await store.confirmTotp(user, { step: 50, recoveryCodeHashes: [], now: NOW })).toBe('replayed');
      expect(await store.confirmTotp(user, { step: 51, recoveryCodeHashes: [], now: NOW })).toBe('confirmed');
    });

    it('recovery codes are single use (concurrently too), replaced as a set, and need TOTP on', async () => {
      const user = userId();
      expect(await store.useRecoveryCode(user, hash(1))).toBeNull();
      expect(await store.replaceRecoveryCodes(user, [hash(9)])).toBe(false);
      await store.savePendingTotp(user, 'c', NOW + 60_000);
      await store.confirmTotp(user, { step: 1, recoveryCodeHashes: [hash(1), hash(2)], now: NOW });
      const uses = await Promise.all([store.useRecoveryCode(user, hash(1)), store.useRecoveryCode(user, hash(1))]);
      expect(uses.sort()).toEqual([1, null]);
      expect(await store.useRecoveryCode(user, hash(7))).toBeNull();
      expect(await store.replaceRecoveryCodes(user, [hash(3), hash(4), hash(5)])).toBe(true);
      expect(await store.useRecoveryCode(user, hash(2))).toBeNull();
      expect(await store.useRecoveryCode(user, hash(3))).toBe(2);
      expect((await store.factors(user, NOW)).recoveryCodesLeft).toBe(2);
    });
  });
}

function record(user: string): MfaChallengeRecord {
  return { userId: user, credentialVersion: 2, method: 'password', amr: ['pwd'], kind: 'sign-in', created: false, clientHash: hash(42) };
}

/**
 * The behaviour every `MfaChallengeStore` must have: a challenge lives until it expires, is used up or runs out of
 * attempts; it is single use (of concurrent consumes, one wins); a user's failures count across challenges in a window.
 */
export function describeMfaChallengeStoreContract(name: string, factory: MfaChallengeStoreFactory): void {
  describe(`MfaChallengeStore contract: ${name}`, () => {
    let store: MfaChallengeStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('finds a live challenge for its user only, until it expires', async () => {
      const user = userId();
      await store.create(hash(1), record(user), { expiresAt: NOW + 1000, maxAttempts: 5 });
      expect(await store.find(user, hash(1), NOW)).toEqual(record(user));
      expect(await store.find('someone-else', hash(1), NOW)).toBeNull();
      expect(await store.find(user, hash(2), NOW)).toBeNull();
      expect(await store.find(user, hash(1), NOW + 1000)).toBeNull();
      expect(await store.consume(user, hash(1), NOW + 1000)).toBeNull();
    });

    it('is single use: of concurrent consumes exactly one gets the record', async () => {
      const user = userId();
      await store.create(hash(1), record(user), { expiresAt: NOW + 60_000, maxAttempts: 5 });
      const results = await Promise.all(Array.from({ length: 8 }, () => store.consume(user, hash(1), NOW)));
      expect(results.filter((r) => r !== null)).toEqual([record(user)]);
      expect(await store.find(user, hash(1), NOW)).toBeNull();
    });

    it('ends after maxAttempts failures; the user failures count across challenges and without one, per window', async () => {
      const user = userId();
      await store.create(hash(1), record(user), { expiresAt: NOW + 60_000, maxAttempts: 3 });
      await store.create(hash(2), record(user), { expiresAt: NOW + 60_000, maxAttempts: 3 });
      const windowMs = 10_000;
      expect(await store.fail(user, hash(1), { now: NOW, windowMs })).toEqual({ attemptsLeft: 2, userFailures: 1 });
      expect(await store.fail(user, hash(1), { now: NOW, windowMs })).toEqual({ attemptsLeft: 1, userFailures: 2 });
      expect(await store.fail(user, hash(2), { now: NOW, windowMs })).toEqual({ attemptsLeft: 2, userFailures: 3 });
      expect(await store.fail(user, hash(1), { now: NOW, windowMs })).toEqual({ attemptsLeft: 0, userFailures: 4 });
      expect(await store.find(user, hash(1), NOW)).toBeNull();
      expect(await store.consume(user, hash(1), NOW)).toBeNull();
      expect(await store.fail(user, hash(1), { now: NOW, windowMs })).toEqual({ attemptsLeft: 0, userFailures: 5 });
      expect(await store.fail(user, null, { now: NOW + 1, windowMs })).toEqual({ attemptsLeft: 0, userFailures: 6 });
      expect(await store.failures(user, NOW + 1)).toEqual({ count: 6, resetAt: NOW + windowMs });
      expect(await store.find(user, hash(2), NOW)).toEqual(record(user));
      expect((await store.failures(user, NOW + windowMs)).count).toBe(0);
      expect(await store.fail(user, null, { now: NOW + windowMs, windowMs })).toEqual({ attemptsLeft: 0, userFailures: 1 });
      await store.clearFailures(user);
      expect((await store.failures(user, NOW + windowMs)).count).toBe(0);
    });
  });
}
