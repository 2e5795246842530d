import type Redis from 'ioredis';
import { MemoryApiKeyStore } from '../../../lib/features/api-keys/memory-api-key.store';
import { RedisApiKeyStore } from '../../../lib/features/api-keys/redis-api-key.store';
import { mintApiKey, parseApiKey } from '../../../lib/features/api-keys/api-key.format';
import { RedisKeys } from '../../../lib/adapters/redis/redis-keys';
import { describeApiKeyStoreContract } from '../../../lib/testing/api-key-store.contract';
import { createRedisClient, uniqueKeyPrefix } from '../../support/redis-client';
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

describeApiKeyStoreContract('MemoryApiKeyStore', (now) => new MemoryApiKeyStore(now));
for (const topology of redisTopologies()) {
  describeApiKeyStoreContract(`RedisApiKeyStore on ${topology.name}`, (now) => new RedisApiKeyStore(clients.client(topology), uniqueKeyPrefix('ak'), now));
}

describe('RedisApiKeyStore and the sessions credential floor', () => {
  it("a key made under an older version than the sessions' floor (raised by a change of credentials) is invalid at once", async () => {
    const prefix = uniqueKeyPrefix('ak-floor');
    const store = new RedisApiKeyStore(redis, prefix);
    const userId = 'u-floor';
    const minted = mintApiKey('akit_', userId);
    const now = Date.now();
    await store.create(
      { id: minted.id, userId, name: 'n', hash: minted.hash, scopes: [], credentialVersion: 4, createdAt: now, expiresAt: null, lastUsedAt: null },
      { roles: [], credentialVersion: 4, checkedAt: now }, 5,
    );
    const check = () => store.check({ ...parseApiKey('akit_', minted.key)!, lastUsedGranularityMs: 60_000, limit: 0, windowMs: 1000 });
    expect((await check()).status).toBe('valid');
    const sessions = new RedisKeys(prefix).sessions(userId);
    await redis.hset(sessions, ':v', 4);
    expect((await check()).status).toBe('valid');
    await redis.hset(sessions, ':v', 5);
    expect((await check()).status).toBe('invalid');
    // The key hash shares the sessions' hash tag (one slot in a cluster).
    expect(sessions.replace(/:s$/, ':ak')).toBe(`${prefix}:{${userId}}:ak`);
  });
});
