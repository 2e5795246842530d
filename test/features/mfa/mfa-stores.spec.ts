import type Redis from 'ioredis';
import { MemoryMfaChallengeStore, MemoryMfaFactorStore } from '../../../lib/features/mfa/memory-mfa.stores';
import { RedisMfaChallengeStore, RedisMfaFactorStore } from '../../../lib/features/mfa/redis-mfa.stores';
import { describeMfaChallengeStoreContract, describeMfaFactorStoreContract } from '../../../lib/testing/mfa-store.contract';
import { createRedisClient, scanKeys, uniqueKeyPrefix } from '../../support/redis-client';
import { redisTopologies, topologyClients } from '../../support/redis-topologies';

const clients = topologyClients();
let redis: Redis;

beforeAll(() => {
  redis = createRedisClient();
});

afterAll(async () => {
  await redis.quit();
  clients.closeAll();
});

describeMfaFactorStoreContract('MemoryMfaFactorStore', () => new MemoryMfaFactorStore());
describeMfaChallengeStoreContract('MemoryMfaChallengeStore', () => new MemoryMfaChallengeStore());
for (const topology of redisTopologies()) {
  describeMfaFactorStoreContract(`RedisMfaFactorStore on ${topology.name}`, () => new RedisMfaFactorStore(clients.client(topology), uniqueKeyPrefix('mfa')));
  describeMfaChallengeStoreContract(`RedisMfaChallengeStore on ${topology.name}`, () => new RedisMfaChallengeStore(clients.client(topology), uniqueKeyPrefix('mfa')));
}

describe('the Redis MFA keys', () => {
  it("live in the user's slot, and a challenge key expires with the challenge", async () => {
    const prefix = uniqueKeyPrefix('mfa-keys');
    const factors = new RedisMfaFactorStore(redis, prefix);
    const challenges = new RedisMfaChallengeStore(redis, prefix);
    const now = Date.now();
    await factors.savePendingTotp('u1', 'cipher', now + 60_000);
    await factors.confirmTotp('u1', { step: 1, recoveryCodeHashes: ['a'.repeat(64)], now });
    await challenges.create('b'.repeat(64), { userId: 'u1', credentialVersion: 0, method: 'password', amr: ['pwd'], kind: 'sign-in', created: false, clientHash: 'c' }, {
      expiresAt: now + 30_000, maxAttempts: 5,
    });
    await challenges.fail('u1', null, { now, windowMs: 60_000 });
    const keys = (await scanKeys(redis, `${prefix}:*`)).sort();
    expect(keys).toEqual([`${prefix}:{u1}:mfa`, `${prefix}:{u1}:mfa:c:${'b'.repeat(64)}`, `${prefix}:{u1}:mfa:f`, `${prefix}:{u1}:mfa:rc`]);
    const ttl = await redis.pttl(`${prefix}:{u1}:mfa:c:${'b'.repeat(64)}`);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(await redis.pttl(`${prefix}:{u1}:mfa:f`)).toBeGreaterThan(55_000);
  });
});

describe('MemoryMfaChallengeStore', () => {
  it('sweeps ended failure windows as failures come (the map stays bounded by the users failing now)', async () => {
    const store = new MemoryMfaChallengeStore();
    const windows = (store as unknown as { userFailures: Map<string, unknown> }).userFailures;
    const now = 1_900_000_000_000;
    for (let i = 0; i < 200; i += 1) await store.fail(`old-${i}`, null, { now, windowMs: 1000 });
    expect(windows.size).toBe(200);
    // Later, once those windows ended: within 64 failures of other users, every ended window is gone.
    for (let i = 0; i < 64; i += 1) await store.fail(`new-${i}`, null, { now: now + 5000, windowMs: 1000 });
    expect([...windows.keys()].filter((user) => user.startsWith('old-'))).toEqual([]);
    expect(windows.size).toBeLessThanOrEqual(64);
    // A live window is kept and still counts.
    expect(await store.failures('new-63', now + 5000)).toEqual({ count: 1, resetAt: now + 6000 });
  });
});
