import Redis from 'ioredis';
import { MemoryLoginThrottler, RedisLoginThrottler, type ScopedThrottleRule } from '../../lib';
import { resolveThrottleRules } from '../../lib/core/throttling/throttle.options';
import { KeyslotOracle } from '../support/keyslot-oracle';
import { createRedisClient, scanKeys, uniqueKeyPrefix } from '../support/redis-client';
import type { RedisClient } from '../../lib/adapters/redis/redis.options';
import { RedisServer } from '../support/redis-server';
import { redisTopologies } from '../support/redis-topologies';
import { describeLoginThrottlerContract } from '../../lib/testing/login-throttler.contract';
import { ManualClock } from '../support/time';

describe('login throttlers', () => {
  const clients: RedisClient[] = [];
  const memories: MemoryLoginThrottler[] = [];

  afterAll(async () => {
    memories.forEach((m) => m.close());
    clients.forEach((c) => c.disconnect());
  });

  describeLoginThrottlerContract('MemoryLoginThrottler', (rules, now) => {
    const throttler = new MemoryLoginThrottler(rules, undefined, now);
    memories.push(throttler);
    return throttler;
  });

  for (const topology of redisTopologies()) {
    describeLoginThrottlerContract(`RedisLoginThrottler on ${topology.name}`, (rules, now) => {
      const client = topology.createClient();
      clients.push(client);
      const throttler = new RedisLoginThrottler(client, rules, uniqueKeyPrefix('thr'), undefined, now);
      memories.push(throttler.fallback as MemoryLoginThrottler);
      return throttler;
    });
  }

  describe('RedisLoginThrottler specifics', () => {
    let server: RedisServer;
    let client: Redis;
    let admin: Redis;

    beforeAll(async () => {
      server = await RedisServer.start();
      client = createRedisClient({ enableOfflineQueue: false, commandTimeout: 500, retryStrategy: () => 100 }, server.url);
      admin = createRedisClient({}, server.url);
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    });

    afterAll(async () => {
      client.disconnect();
      admin.disconnect();
      await server.stop();
    });

    it('each scope is ONE Lua call (EVALSHA) and nothing else; counter and block keys share a hash slot; no email or ip in key names', async () => {
      const prefix = uniqueKeyPrefix('one');
      const throttler = new RedisLoginThrottler(client, resolveThrottleRules({}), prefix);
      const email = 'someone.private@example.com';
      await throttler.begin({ email: 'warm-up@example.com', ip: '10.0.0.1' }); // loads the script (NOSCRIPT -> EVAL once)
      // MONITOR shows every top-level command; commands run inside a script are marked with source "lua".
      const monitor = await admin.monitor();
      const topLevel: string[] = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== 'lua') topLevel.push(String(args[0]).toLowerCase());
      });
      try {
        const verdict = await throttler.begin({ email, ip: '192.0.2.77' });
        expect(verdict.allowed).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 200)); // let the MONITOR feed catch up
      } finally {
        monitor.disconnect();
      }
      expect(topLevel).toEqual(['evalsha', 'evalsha', 'evalsha']);

      // Two attempts (warm-up + measured) x 3 scopes, counters only: blocks exist only once a limit is reached.
      const keys = await scanKeys(admin, `${prefix}:*`);
      expect(keys).toHaveLength(6);
      expect(keys.every((key) => key.endsWith(':n'))).toBe(true);
    });

    it('keys: n and b of one counter are in one hash slot (Redis Cluster safe); subjects are hashed', async () => {
      const prefix = uniqueKeyPrefix('slot');
      const rules: ScopedThrottleRule[] = resolveThrottleRules({ emailIp: { limit: 1 }, ip: { limit: 1 }, account: { limit: 1 } });
      const throttler = new RedisLoginThrottler(client, rules, prefix);
      await throttler.begin({ email: 'slot.owner@example.com', ip: '198.51.100.4' });
      const keys = (await scanKeys(admin, `${prefix}:*`)).sort();
      expect(keys).toHaveLength(6); // limit 1: every scope's first attempt also sets its block
      expect(keys.join(' ')).not.toMatch(/slot\.owner|198\.51/);
      const oracle = await KeyslotOracle.start();
      try {
        const bySlotBase = new Map<string, number[]>();
        for (const key of keys) {
          const base = key.slice(0, -2);
          bySlotBase.set(base, [...(bySlotBase.get(base) ?? []), await oracle.keyslot(key)]);
        }
        expect(bySlotBase.size).toBe(3);
        for (const slots of bySlotBase.values()) expect(new Set(slots).size).toBe(1);
      } finally {
        await oracle.stop();
      }
    });

    it('login throttling is one round trip before the password check and one after (success: reset + undo issued together)', async () => {
      const piped = createRedisClient({ enableAutoPipelining: true }, server.url);
      try {
        const throttler = new RedisLoginThrottler(piped, resolveThrottleRules({}), uniqueKeyPrefix('rt'));
        await throttler.begin({ email: 'warm@example.com', ip: '10.0.0.1' }); // loads the scripts
        const stream = (piped as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
        const write = stream.write.bind(stream);
        let writes = 0;
        stream.write = (...a: unknown[]) => {
          writes++;
          return write(...a);
        };
        const verdict = await throttler.begin({ email: 'trips@example.com', ip: '10.0.0.9' });
        const before = writes;
        if (verdict.allowed) await throttler.end(verdict.ticket, 'success');
        const after = writes - before;
        stream.write = write;
        expect(verdict.allowed).toBe(true);
        expect({ before, after }).toEqual({ before: 1, after: 1 });
      } finally {
        piped.disconnect();
      }
    });

    it('a hit that timed out while Redis was paused and that Redis refused (blocked) cancels nothing: the block stands', async () => {
      const clock = new ManualClock();
      const rules = resolveThrottleRules({ emailIp: { limit: 2 }, ip: false, account: false });
      const throttler = new RedisLoginThrottler(client, rules, uniqueKeyPrefix('cx'), undefined, clock.now);
      memories.push(throttler.fallback as MemoryLoginThrottler);
      const a = { email: 'cancel@example.com', ip: '10.0.0.5' };
      for (let i = 0; i < 2; i++) {
        clock.advance(1000);
        const v = await throttler.begin(a);
        if (v.allowed) await throttler.end(v.ticket, 'failure');
      }
      expect((await throttler.begin(a)).allowed).toBe(false);
      clock.advance(1000);
      await admin.call('CLIENT', 'PAUSE', '1200', 'ALL');
      const during = await throttler.begin(a); // times out: the in-process fallback decides (it saw nothing: allowed)
      expect(during.allowed).toBe(true);
      if (during.allowed) await throttler.end(during.ticket, 'aborted');
      await admin.ping(); // answered once the pause is over, after the hit and its cancellation ran
      const after = await throttler.begin(a);
      expect(after.allowed).toBe(false);
    });

    it('counters and blocks written by the previous version (a bare count, expiry in the TTL) are still honoured', async () => {
      const prefix = uniqueKeyPrefix('legacy');
      const rules = resolveThrottleRules({ emailIp: { limit: 5 }, ip: false, account: false });
      const throttler = new RedisLoginThrottler(client, rules, prefix);
      await throttler.begin({ email: 'legacy@example.com', ip: '10.0.0.4' });
      const [counterKey] = await scanKeys(admin, `${prefix}:*`);
      await admin.set(counterKey, '3', 'PX', 60_000); // 3 failures so far, in the old format
      const fourth = await throttler.begin({ email: 'legacy@example.com', ip: '10.0.0.4' });
      expect(fourth.allowed && fourth.ticket.counts.emailIp).toBe(4);
      const blockKey = `${counterKey.slice(0, -2)}:b`;
      await admin.set(blockKey, '5', 'PX', 30_000); // a block in the old format
      const refused = await throttler.begin({ email: 'legacy@example.com', ip: '10.0.0.4' });
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThan(29_000);
    });

    it('fails closed while Redis is down: the in-process fallback keeps counting and refuses after the limit', async () => {
      const throttler = new RedisLoginThrottler(client, resolveThrottleRules({}), uniqueKeyPrefix('down'));
      memories.push(throttler.fallback as MemoryLoginThrottler);
      await server.stop();
      try {
        const a = { email: 'down@example.com', ip: '10.0.0.3' };
        for (let i = 0; i < 5; i++) {
          const verdict = await throttler.begin(a);
          expect(verdict.allowed).toBe(true);
          if (verdict.allowed) await throttler.end(verdict.ticket, 'failure');
        }
        const refused = await throttler.begin(a);
        expect(refused.allowed).toBe(false);
      } finally {
        await server.start();
      }
    });
  });

  it('MemoryLoginThrottler refuses (fails closed) rather than grow beyond maxCounters', async () => {
    const throttler = new MemoryLoginThrottler(resolveThrottleRules({ ip: false, account: false }), 3);
    memories.push(throttler);
    for (let i = 0; i < 3; i++) expect((await throttler.begin({ email: `m${i}@example.com`, ip: '10.0.0.1' })).allowed).toBe(true);
    expect((await throttler.begin({ email: 'm9@example.com', ip: '10.0.0.1' })).allowed).toBe(false);
  });
});
