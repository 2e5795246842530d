import type Redis from 'ioredis';
import { MemoryPasskeyChallengeStore, MemoryPasskeyCredentialStore } from '../../../lib/features/passkeys/memory-passkey.stores';
import { RedisPasskeyChallengeStore, RedisPasskeyCredentialStore } from '../../../lib/features/passkeys/redis-passkey.stores';
import { describePasskeyChallengeStoreContract, describePasskeyCredentialStoreContract } from '../../../lib/testing/passkey-store.contract';
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

describePasskeyCredentialStoreContract('MemoryPasskeyCredentialStore', () => new MemoryPasskeyCredentialStore());
describePasskeyChallengeStoreContract('MemoryPasskeyChallengeStore', () => new MemoryPasskeyChallengeStore());
for (const topology of redisTopologies()) {
  describePasskeyCredentialStoreContract(`RedisPasskeyCredentialStore on ${topology.name}`,
    () => new RedisPasskeyCredentialStore(clients.client(topology), uniqueKeyPrefix('pk')));
  describePasskeyChallengeStoreContract(`RedisPasskeyChallengeStore on ${topology.name}`,
    () => new RedisPasskeyChallengeStore(clients.client(topology), uniqueKeyPrefix('pk')));
}

describe('the Redis passkey keys', () => {
  it("a user's passkeys are one hash in the user's slot; a challenge key expires with the challenge", async () => {
    const prefix = uniqueKeyPrefix('pk-keys');
    const credentials = new RedisPasskeyCredentialStore(redis, prefix);
    const challenges = new RedisPasskeyChallengeStore(redis, prefix);
    const now = Date.now();
    await credentials.add({
      id: 'cred1', userId: 'u1', publicKey: 'pk', counter: 0, transports: [], aaguid: 'a', backupEligible: false, backedUp: false, name: 'n', createdAt: now, lastUsedAt: null,
    }, 20);
    await challenges.save('ch1', { purpose: 'sign-in', userId: null, binding: null, userVerification: 'required' }, now + 30_000);
    expect((await scanKeys(redis, `${prefix}:*`)).sort()).toEqual([`${prefix}:pk:ch:ch1`, `${prefix}:pk:id:cred1`, `${prefix}:{u1}:pk`]);
    const ttl = await redis.pttl(`${prefix}:pk:ch:ch1`);
    expect(ttl).toBeGreaterThan(20_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(await redis.pttl(`${prefix}:{u1}:pk`)).toBe(-1);
  });
});

describe('MemoryPasskeyChallengeStore', () => {
  it('is bounded: beyond its live challenges it answers 503 busy; expired ones make room', async () => {
    const store = new MemoryPasskeyChallengeStore(3);
    const record = { purpose: 'sign-in', userId: null, binding: null, userVerification: 'required' } as const;
    const now = Date.now();
    for (const challenge of ['a', 'b', 'c']) await store.save(challenge, record, now + (challenge === 'a' ? -1 : 60_000));
    await expect(store.save('d', record, now + 60_000)).resolves.toBeUndefined();
    await expect(store.save('e', record, now + 60_000)).rejects.toMatchObject({ code: 'busy' });
  });
});
