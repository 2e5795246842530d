import { createHash } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import { MemoryLoginThrottler, MemoryRouteThrottle, RedisLoginThrottler } from '../../../lib';
import { FAIL_FAST_CLUSTER_OPTIONS } from '../../../lib/adapters/redis/authkit-redis.module';
import { RedisRouteThrottle } from '../../../lib/adapters/redis/redis-route.throttle';
import { resolveThrottleRules } from '../../../lib/core/throttling/throttle.options';
import { clientIpKey } from '../../../lib/core/throttling/client-ip';
import { uniqueKeyPrefix } from '../../support/redis-client';
import { RedisClusterTopology } from '../../support/redis-cluster';
import type { RedisServer } from '../../support/redis-server';
import { parseAddressList } from '../../support/redis-topologies';

const PAUSE_MS = 1500;

/**
 * Issue 22, item 8: when one throttle counter's call fails (its Cluster shard does not answer) a refusal from
 * another counter in Redis must win; only the failed counter falls back to the in-process limiter. The shard is
 * a real master of a real Cluster, paused with `CLIENT PAUSE` (its calls time out; no failover starts).
 */
describe('throttles fail closed when one Cluster shard does not answer', () => {
  let cluster: RedisClusterTopology;
  let client: Cluster;
  const memories: Array<{ close(): void }> = [];

  beforeAll(async () => {
    cluster = await RedisClusterTopology.start();
    client = new Cluster(parseAddressList(cluster.addresses), FAIL_FAST_CLUSTER_OPTIONS);
    client.on('error', () => undefined); // nodes refusing during start-up and stop: the tests look at verdicts
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  }, 90_000);

  afterAll(async () => {
    memories.forEach((m) => m.close());
    client.disconnect();
    await cluster.stop();
  });

  /** Pauses the master that serves `key` for PAUSE_MS; resolves when the pause has ended. */
  async function pauseShardOf(key: string): Promise<{ master: RedisServer; over: Promise<void> }> {
    const master = await cluster.masterOf(key);
    const admin = new Redis(master.url);
    await admin.call('CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL');
    const over = new Promise<void>((resolve) => setTimeout(resolve, PAUSE_MS + 200)).then(() => admin.disconnect());
    return { master, over };
  }

  it('route throttle: a counter full in Redis refuses even though the other counter\'s shard is paused', async () => {
    const throttle = new RedisRouteThrottle(client, uniqueKeyPrefix('fc-rt'));
    memories.push(throttle.fallback as MemoryRouteThrottle);
    const limit = { limit: 1, windowMs: 600_000 };
    const email = { bucket: 'passwordForgot:email', subject: 'victim@example.com', limit };
    const emailMaster = await cluster.masterOf(throttle.key(email));
    // An ip whose counter lives on another shard than the email's.
    let ip = { bucket: 'passwordForgot:ip', subject: '', limit: { limit: 100, windowMs: 600_000 } };
    for (let i = 1; ; i++) {
      ip = { ...ip, subject: `203.0.113.${i}` };
      if ((await cluster.masterOf(throttle.key(ip))) !== emailMaster) break;
    }
    expect(await throttle.consume([email, ip])).toEqual({ allowed: true }); // the email counter is now full
    const paused = await pauseShardOf(throttle.key(ip));
    const verdict = await throttle.consume([email, ip]);
    await paused.over;
    expect(verdict).toMatchObject({ allowed: false, bucket: 'passwordForgot:email' });
  });

  it('route throttle: only the failed counter asks the fallback (a counter Redis allowed is not charged in memory)', async () => {
    const fallback = new MemoryRouteThrottle();
    memories.push(fallback);
    const throttle = new RedisRouteThrottle(client, uniqueKeyPrefix('fc-rt2'), Date.now, fallback);
    const a = { bucket: 'a', subject: 'alpha', limit: { limit: 5, windowMs: 600_000 } };
    let b = { bucket: 'b', subject: '', limit: { limit: 5, windowMs: 600_000 } };
    const aMaster = await cluster.masterOf(throttle.key(a));
    for (let i = 1; ; i++) {
      b = { ...b, subject: `beta-${i}` };
      if ((await cluster.masterOf(throttle.key(b))) !== aMaster) break;
    }
    const paused = await pauseShardOf(throttle.key(b));
    expect((await throttle.consume([a, b])).allowed).toBe(true);
    await paused.over;
    // In memory only `b` was charged: `a` there still has its whole limit, `b` one less.
    expect((await fallback.consume([{ ...a, limit: { ...a.limit, limit: 1 } }])).allowed).toBe(true);
    expect((await fallback.consume([{ ...b, limit: { ...b.limit, limit: 1 } }])).allowed).toBe(false);
  });

  it('login throttler: a block in Redis (email+ip) wins although the ip scope\'s shard is paused', async () => {
    const prefix = uniqueKeyPrefix('fc-lt');
    const rules = resolveThrottleRules({ emailIp: { limit: 1 }, account: false });
    const throttler = new RedisLoginThrottler(client, rules, prefix);
    memories.push(throttler.fallback as MemoryLoginThrottler);
    const email = 'victim@example.com';
    const key = (scope: string, subject: string) =>
      `${prefix}:{tl:${scope}:${createHash('sha256').update(subject).digest('base64url').slice(0, 32)}}:n`;
    let ip = '';
    for (let i = 1; ; i++) {
      ip = `198.51.100.${i}`;
      const emailIpMaster = await cluster.masterOf(key('emailIp', `${email}\n${clientIpKey(ip)}`));
      if ((await cluster.masterOf(key('ip', clientIpKey(ip) as string))) !== emailIpMaster) break;
    }
    const first = await throttler.begin({ email, ip });
    expect(first.allowed).toBe(true);
    if (first.allowed) await throttler.end(first.ticket, 'failure'); // the email+ip counter is now blocked
    const paused = await pauseShardOf(key('ip', clientIpKey(ip) as string));
    const verdict = await throttler.begin({ email, ip });
    await paused.over;
    expect(verdict.allowed).toBe(false);
  });
});
