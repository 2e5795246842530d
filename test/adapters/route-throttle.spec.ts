import type Redis from 'ioredis';
import { MemoryRouteThrottle } from '../../lib/adapters/memory/memory-route.throttle';
import { RedisRouteThrottle } from '../../lib/adapters/redis/redis-route.throttle';
import { KeyslotOracle } from '../support/keyslot-oracle';
import { createRedisClient, scanKeys, uniqueKeyPrefix } from '../support/redis-client';
import type { RedisClient } from '../../lib/adapters/redis/redis.options';
import { RedisServer } from '../support/redis-server';
import { describeRouteThrottleContract } from '../../lib/testing/route-throttle.contract';
import { redisTopologies } from '../support/redis-topologies';

describe('route throttles', () => {
  const clients: RedisClient[] = [];
  const memories: MemoryRouteThrottle[] = [];

  afterAll(() => {
    memories.forEach((m) => m.close());
    clients.forEach((c) => c.disconnect());
  });

  describeRouteThrottleContract('MemoryRouteThrottle', (now) => {
    const throttle = new MemoryRouteThrottle(undefined, now);
    memories.push(throttle);
    return throttle;
  });

  for (const topology of redisTopologies()) {
    describeRouteThrottleContract(`RedisRouteThrottle on ${topology.name}`, (now) => {
      const client = topology.createClient();
      clients.push(client);
      return new RedisRouteThrottle(client, uniqueKeyPrefix('rt'), now);
    });
  }

  it('MemoryRouteThrottle refuses new subjects (fails closed) rather than grow beyond maxCounters', async () => {
    const throttle = new MemoryRouteThrottle(3);
    memories.push(throttle);
    for (let i = 0; i < 3; i++) expect((await throttle.consume([{ bucket: 'm', subject: `s${i}`, limit: { limit: 5, windowMs: 60_000 } }])).allowed).toBe(true);
    expect((await throttle.consume([{ bucket: 'm', subject: 's9', limit: { limit: 5, windowMs: 60_000 } }])).allowed).toBe(false);
    expect((await throttle.consume([{ bucket: 'm', subject: 's0', limit: { limit: 5, windowMs: 60_000 } }])).allowed).toBe(true);
  });

  describe('RedisRouteThrottle specifics', () => {
    it('one EVALSHA per counter, all in one round trip; one key per counter, one slot each; no subject in key names', async () => {
      const client = createRedisClient({ enableAutoPipelining: true });
      const admin = createRedisClient();
      clients.push(client, admin);
      const prefix = uniqueKeyPrefix('slot');
      const throttle = new RedisRouteThrottle(client, prefix);
      const limit = { limit: 5, windowMs: 60_000 };
      await throttle.consume([{ bucket: 'warm', subject: 'x', limit }]); // loads the script
      const monitor = await admin.monitor();
      const commands: string[] = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== 'lua' && String(args[1] ?? '').length === 40) commands.push(String(args[0]).toLowerCase());
      });
      const sent: number[] = [];
      const writes = (client as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
      const write = writes.write.bind(writes);
      writes.write = (...a: unknown[]) => {
        sent.push(1);
        return write(...a);
      };
      try {
        expect(await throttle.consume([
          { bucket: 'register:ip', subject: '198.51.100.7', limit },
          { bucket: 'register:email', subject: 'private.person@example.com', limit },
        ])).toEqual({ allowed: true });
      } finally {
        writes.write = write;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      await monitor.disconnect();
      expect(commands).toEqual(['evalsha', 'evalsha']);
      expect(sent).toHaveLength(1); // both calls left in one write: one round trip
      const keys = (await scanKeys(admin, `${prefix}:*`)).filter((k) => !k.includes('warm'));
      expect(keys).toHaveLength(2);
      expect(keys.join(' ')).not.toMatch(/198\.51|private/);
      const oracle = await KeyslotOracle.start();
      try {
        for (const key of keys) expect(key).toMatch(/^[^{]*\{rt:register:(ip|email):[^}]+\}$/);
        expect(new Set(await Promise.all(keys.map((k) => oracle.keyslot(k)))).size).toBe(2);
      } finally {
        await oracle.stop();
      }
    });

    it('a hit that timed out during CLIENT PAUSE is refunded once Redis resumes (the request got 503 or the fallback\'s verdict, not a charge)', async () => {
      const server = await RedisServer.start();
      const client = createRedisClient({ enableOfflineQueue: false, commandTimeout: 500, retryStrategy: () => 100 }, server.url);
      const admin = createRedisClient({}, server.url);
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
      try {
        const throttle = new RedisRouteThrottle(client, uniqueKeyPrefix('pause'));
        memories.push(throttle.fallback as MemoryRouteThrottle);
        const hit = { bucket: 'p', subject: 'someone', limit: { limit: 1, windowMs: 600_000 } };
        await throttle.consume([{ ...hit, subject: 'warm-up' }]); // loads the scripts
        await admin.call('CLIENT', 'PAUSE', '1200', 'ALL');
        expect((await throttle.consume([hit])).allowed).toBe(true); // timed out: the in-process fallback decided
        await admin.ping(); // answered after the pause, once the hit and its refund ran
        const key = throttle.key(hit);
        expect(await admin.get(key)).toMatch(/^0:/);
        expect((await throttle.consume([hit])).allowed).toBe(true);
      } finally {
        client.disconnect();
        admin.disconnect();
        await server.stop();
      }
    });

    it('Redis down: falls back to the in-process throttle, which still refuses beyond the limit (never fails open)', async () => {
      const server = await RedisServer.start();
      const client = createRedisClient({ enableOfflineQueue: false, commandTimeout: 500, retryStrategy: () => null }, server.url);
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
      const throttle = new RedisRouteThrottle(client, uniqueKeyPrefix('down'));
      memories.push(throttle.fallback as MemoryRouteThrottle);
      await server.stop();
      const hit = { bucket: 'd', subject: 'x', limit: { limit: 2, windowMs: 60_000 } };
      expect((await throttle.consume([hit])).allowed).toBe(true);
      expect((await throttle.consume([hit])).allowed).toBe(true);
      expect((await throttle.consume([hit])).allowed).toBe(false);
      // retryStrategy null: the client ends by itself once it sees the close (nothing left to disconnect).
      if (client.status !== 'end') await new Promise((resolve) => client.once('end', resolve));
    });
  });
});
