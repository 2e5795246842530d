import { Cluster } from 'ioredis';
import { MaxmemoryPolicyCheck, readMaxmemoryPolicy } from '../../../lib/adapters/redis/maxmemory-policy.check';
import { resolveRedisOptions } from '../../../lib/adapters/redis/redis.options';
import { redisTopologies } from '../../support/redis-topologies';

describe('redis options: topologies and durability', () => {
  it('accepts url, sentinels + name, cluster nodes, namespace and client; durability defaults to acknowledged', () => {
    expect(resolveRedisOptions({ redis: { url: 'redis://127.0.0.1:6379' } }).replicationWait).toBeUndefined();
    expect(resolveRedisOptions({ redis: { sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'main' } }).keyPrefix).toBe('authkit');
    expect(resolveRedisOptions({ redis: { cluster: { nodes: [{ host: '127.0.0.1', port: 7000 }] } } }).connection).toBeDefined();
    expect(resolveRedisOptions({ redis: { url: 'redis://x', durability: 'replicated' } }).replicationWait).toEqual({ replicas: 1, timeoutMs: 250 });
    expect(resolveRedisOptions({ redis: { url: 'redis://x', durability: 'replicated', replicationTimeoutMs: 100 } }).replicationWait)
      .toEqual({ replicas: 1, timeoutMs: 100 });
  });

  it.each([
    [{ sentinels: [], name: 'main' }, 'redis.sentinels'],
    [{ sentinels: [{ host: 'h', port: 'x' }], name: 'main' }, 'redis.sentinels'],
    [{ sentinels: [{ host: 'h', port: 26379 }] }, 'redis.name'],
    [{ cluster: { nodes: [] } }, 'redis.cluster.nodes'],
    [{ cluster: {} }, 'redis.cluster.nodes'],
    [{ url: 'redis://x', cluster: { nodes: [{ host: 'h', port: 1 }] } }, 'redis'],
    [{ url: 'redis://x', durability: 'sync' }, 'redis.durability'],
    [{ url: 'redis://x', durability: 'replicated', replicationTimeoutMs: 0 }, 'redis.replicationTimeoutMs'],
    [{ url: 'redis://x', durability: 'replicated', replicationTimeoutMs: 500 }, 'redis.replicationTimeoutMs'],
    [{ sentinels: ['10.0.0.1:26379'], name: 'main' }, 'redis.sentinels'],
  ])('refuses %j naming %s', (redis, option) => {
    expect(() => resolveRedisOptions({ redis } as never)).toThrow(new RegExp(`option "${option.replace(/\./g, '\\.')}"`));
  });
});

// The Cluster topology is started by the global setup (unless AUTHKIT_TEST_TOPOLOGIES leaves it out).
for (const cluster of redisTopologies().filter((t) => t.name === 'cluster')) {
  describe('maxmemory-policy check on a Cluster', () => {
    it('reads every master: one evicting master is reported even when the others are noeviction', async () => {
      const client = cluster.createClient() as Cluster;
      await new Promise((resolve) => (client.status === 'ready' ? resolve(undefined) : client.once('ready', resolve)));
      const [first, ...others] = client.nodes('master');
      try {
        expect(await readMaxmemoryPolicy(client)).toBe('noeviction');
        await others[1].config('SET', 'maxmemory-policy', 'allkeys-lru');
        expect(await readMaxmemoryPolicy(client)).toBe('allkeys-lru');
        expect(await new MaxmemoryPolicyCheck(client).check()).toBe('allkeys-lru');
        expect(first).toBeDefined();
      } finally {
        await others[1].config('SET', 'maxmemory-policy', 'noeviction');
        client.disconnect();
      }
    });
  });
}
