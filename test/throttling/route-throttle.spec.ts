import type Redis from 'ioredis';
import { StoreUnavailableError } from '../../lib/auth.errors';
import { MemoryRouteThrottle } from '../../lib/throttling/memory-route.throttle';
import { RedisRouteThrottle } from '../../lib/throttling/redis-route.throttle';
import { KeyslotOracle } from '../support/keyslot-oracle';
import { createRedisClient, scanKeys, uniqueKeyPrefix } from '../support/redis-client';
import { RedisServer } from '../support/redis-server';
import { describeRouteThrottleContract } from './route-throttle.contract';

describe('route throttles', () => {
  const clients: Redis[] = [];
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

  describeRouteThrottleContract('RedisRouteThrottle (real Redis)', (now) => {
    const client = createRedisClient({ enableAutoPipelining: true });
    clients.push(client);
    return new RedisRouteThrottle(client, uniqueKeyPrefix('rt'), now);
  });

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

    it('fails closed: Redis down -> StoreUnavailableError', async () => {
      const server = await RedisServer.start();
      const client = createRedisClient({ enableOfflineQueue: false, commandTimeout: 500, retryStrategy: () => 100 }, server.url);
      clients.push(client);
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
      const throttle = new RedisRouteThrottle(client, uniqueKeyPrefix('down'));
      await server.stop();
      await expect(throttle.consume([{ bucket: 'd', subject: 'x', limit: { limit: 5, windowMs: 1000 } }])).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
});
