import type Redis from 'ioredis';
import { MemoryOneTimeTokenStore } from '../../lib/adapters/memory/memory-one-time-token.store';
import { mintOneTimeToken, parseOneTimeToken } from '../../lib/core/tokens/one-time-token';
import { RedisOneTimeTokenStore } from '../../lib/adapters/redis/redis-one-time-token.store';
import { describeOneTimeTokenStoreContract } from '../../lib/testing/one-time-token-store.contract';
import { createRedisClient, scanKeys, uniqueKeyPrefix } from '../support/redis-client';
import { redisTopologies, topologyClients } from '../support/redis-topologies';

let redis: Redis;
const clients = topologyClients();

beforeAll(() => {
  redis = createRedisClient();
});

afterAll(async () => {
  await redis.quit();
  clients.closeAll();
});

describeOneTimeTokenStoreContract('MemoryOneTimeTokenStore', (now) => new MemoryOneTimeTokenStore(now));
for (const topology of redisTopologies()) {
  describeOneTimeTokenStoreContract(`RedisOneTimeTokenStore on ${topology.name}`, (now) =>
    new RedisOneTimeTokenStore(clients.client(topology), uniqueKeyPrefix('ott'), now));
}

describe('one-time tokens', () => {
  it('are 256-bit random, carry the user id, and only their hash is stored (Redis: one key per user and kind, with a TTL)', async () => {
    const prefix = uniqueKeyPrefix('ott-raw');
    const store = new RedisOneTimeTokenStore(redis, prefix);
    const minted = mintOneTimeToken('password_reset', 'user-1');
    const secret = minted.token.split('.')[1];
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(minted.token.split('.')[0]).toBe(Buffer.from('user-1').toString('base64url'));
    await store.issue({ kind: 'password_reset', userId: 'user-1', hash: minted.hash, binding: 'b', ttlMs: 60_000 });
    const keys = await scanKeys(redis, `${prefix}:*`);
    expect(keys).toEqual([`${prefix}:{user-1}:ott:password_reset`]);
    const stored = JSON.stringify(await redis.hgetall(keys[0]));
    expect(stored).not.toContain(secret);
    expect(await redis.pttl(keys[0])).toBeGreaterThan(59_000);
  });

  it('parse refuses anything malformed without throwing', () => {
    const minted = mintOneTimeToken('password_reset', 'u');
    for (const bad of [undefined, null, 42, '', 'abc', 'a.b.c', `${minted.token}x`, `.${minted.token.split('.')[1]}`, `dQ.${'!'.repeat(43)}`, 'x'.repeat(5000)]) {
      expect(parseOneTimeToken('password_reset', bad)).toBeNull();
    }
    expect(parseOneTimeToken('password_reset', minted.token)).toEqual({ userId: 'u', hash: minted.hash });
  });
});
