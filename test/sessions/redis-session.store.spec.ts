import type Redis from 'ioredis';
import { RedisSessionStore, type SessionStoreSettings } from '../../lib';
import { KeyslotOracle } from '../support/keyslot-oracle';
import { commandCalls, createRedisClient, scanKeys, uniqueKeyPrefix } from '../support/redis-client';
import { RedisServer } from '../support/redis-server';
import { sleep } from '../support/time';
import { CONTRACT_SETTINGS, describeSessionStoreContract, newHash, newSessionId, newUserId, ODD_USER_IDS } from './session-store.contract';

let redis: Redis;
let prefixedRedis: Redis;

beforeAll(() => {
  redis = createRedisClient();
  prefixedRedis = createRedisClient({ keyPrefix: `${uniqueKeyPrefix('client')}:` });
});

afterAll(async () => {
  await redis.quit();
  await prefixedRedis.quit();
});

describeSessionStoreContract('RedisSessionStore', (settings) => new RedisSessionStore(redis, settings, uniqueKeyPrefix('sess')));

describeSessionStoreContract(
  'RedisSessionStore on an ioredis client with its own keyPrefix',
  (settings) => new RedisSessionStore(prefixedRedis, settings, uniqueKeyPrefix('sess')),
);

describe('RedisSessionStore: Redis specifics', () => {
  function storeOn(client: Redis, prefix: string, overrides: Partial<SessionStoreSettings> = {}): RedisSessionStore {
    return new RedisSessionStore(client, { ...CONTRACT_SETTINGS, ...overrides }, prefix);
  }

  /** Creates, rotates (all outcomes), evicts and revokes, so every kind of key the store writes exists at least once. */
  async function exercise(store: RedisSessionStore, userId: string): Promise<void> {
    const hashes = [newHash(), newHash(), newHash(), newHash(), newHash()];
    const ids = hashes.map(() => newSessionId());
    for (let i = 0; i < hashes.length; i++) {
      await store.create({ userId, sessionId: ids[i], secretHash: hashes[i], ip: '192.0.2.1', userAgent: 'ua' });
      await sleep(2);
    }
    const live = ids.slice(-3).map((sessionId, i) => ({ userId, sessionId, hash: hashes[i + 2] }));
    const next = newHash();
    await store.rotate({ userId, sessionId: live[0].sessionId, presentedHash: live[0].hash, nextHash: next });
    await store.rotate({ userId, sessionId: live[0].sessionId, presentedHash: live[0].hash, nextHash: newHash() });
    await store.rotate({ userId, sessionId: live[1].sessionId, presentedHash: newHash(), nextHash: newHash() });
    await store.list(userId);
    await store.revoke(userId, newSessionId());
  }

  it('every key it writes carries a TTL', async () => {
    const prefix = uniqueKeyPrefix('ttl');
    const store = storeOn(redis, prefix, { maxSessionsPerUser: 3 });
    for (const userId of [newUserId(), ...ODD_USER_IDS]) await exercise(store, userId);

    const keys = await scanKeys(redis, `${prefix}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(2 * (ODD_USER_IDS.length + 1));
    const ttls = await Promise.all(keys.map(async (key) => [key, await redis.pttl(key)] as const));
    expect(ttls.filter(([, ttl]) => !(ttl > 0))).toEqual([]);
  });

  it('all keys of one user share one hash slot (asked of Redis with CLUSTER KEYSLOT)', async () => {
    const oracle = await KeyslotOracle.start();
    try {
      for (const userId of ['plain-user', ...ODD_USER_IDS]) {
        const prefix = uniqueKeyPrefix('slot');
        await exercise(storeOn(redis, prefix), userId);
        const keys = await scanKeys(redis, `${prefix}:*`);
        expect(keys.length).toBeGreaterThanOrEqual(2);
        const slots = new Set(await Promise.all(keys.map((key) => oracle.keyslot(key))));
        expect({ userId, slots: [...slots].length }).toEqual({ userId, slots: 1 });
      }
    } finally {
      await oracle.stop();
    }
  });

  it('a rotation is one round trip: one EVALSHA, no other command from the client', async () => {
    // A private server, so that no other test file's commands show up in the statistics.
    const server = await RedisServer.start();
    const client = createRedisClient({}, server.url);
    const monitorClient = createRedisClient({}, server.url);
    try {
      const store = storeOn(client, 'rt');
      const userId = newUserId();
      const sessionId = newSessionId();
      let current = newHash();
      await store.create({ userId, sessionId, secretHash: current });
      const rotateOnce = async () => {
        const next = newHash();
        const result = await store.rotate({ userId, sessionId, presentedHash: current, nextHash: next });
        expect(result.status).toBe('rotated');
        current = next;
      };
      await rotateOnce(); // warm-up: loads the script

      const before = await commandCalls(client);
      for (let i = 0; i < 5; i++) await rotateOnce();
      const after = await commandCalls(client);
      const scriptCalls = (stats: Record<string, number>) => (stats.evalsha ?? 0) + (stats.eval ?? 0);
      expect(scriptCalls(after) - scriptCalls(before)).toBe(5);

      const monitor = await monitorClient.monitor();
      const seen: Array<{ args: string[]; source: string }> = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ args, source }));
      const markerAt = (marker: string) => seen.findIndex((e) => e.args[0]?.toLowerCase() === 'echo' && e.args[1] === marker);
      await client.echo('start-marker');
      await rotateOnce();
      await client.echo('end-marker');
      for (let i = 0; i < 100 && markerAt('end-marker') < 0; i++) await sleep(20);
      const start = markerAt('start-marker');
      const end = markerAt('end-marker');
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeGreaterThan(start);
      const fromClient = seen.slice(start + 1, end).filter((e) => e.source !== 'lua');
      expect(fromClient.map((e) => e.args[0].toLowerCase())).toEqual(['evalsha']);
      monitor.disconnect();
    } finally {
      client.disconnect();
      monitorClient.disconnect();
      await server.stop();
    }
  });
});
