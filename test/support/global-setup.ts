import { RedisClusterTopology } from './redis-cluster';
import { RedisSentinelTopology, SENTINEL_MASTER_NAME } from './redis-sentinel';
import { RedisServer } from './redis-server';
import { selectedTopologies, TOPOLOGY_ENV } from './redis-topologies';

/** What the setup started, for the teardown. */
export interface StartedRedis {
  standalone?: RedisServer;
  cluster?: RedisClusterTopology;
  sentinel?: RedisSentinelTopology;
}

/**
 * Starts, once for the whole run and in parallel: a standalone redis-server (unless REDIS_URL points at one),
 * a 6-node Redis Cluster and a master + replica + 3 Sentinels (unless `AUTHKIT_TEST_TOPOLOGIES` leaves them
 * out). The suites find them through environment variables (see `redis-topologies.ts`).
 */
export default async function globalSetup(): Promise<void> {
  const selected = selectedTopologies();
  const started: StartedRedis = {};
  (globalThis as { __AUTHKIT_REDIS__?: StartedRedis }).__AUTHKIT_REDIS__ = started;
  const results = await Promise.allSettled([
    process.env.REDIS_URL
      ? undefined
      : RedisServer.start().then((server) => {
        started.standalone = server;
        process.env.REDIS_URL = server.url;
      }),
    selected.includes('cluster') && !process.env[TOPOLOGY_ENV.clusterNodes]
      ? RedisClusterTopology.start().then((cluster) => {
        started.cluster = cluster;
        process.env[TOPOLOGY_ENV.clusterNodes] = cluster.addresses;
      })
      : undefined,
    selected.includes('sentinel') && !process.env[TOPOLOGY_ENV.sentinels]
      ? RedisSentinelTopology.start().then((sentinel) => {
        started.sentinel = sentinel;
        process.env[TOPOLOGY_ENV.sentinels] = sentinel.addresses;
        process.env[TOPOLOGY_ENV.sentinelName] = SENTINEL_MASTER_NAME;
      })
      : undefined,
  ]);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all([started.standalone?.stop(), started.cluster?.stop(), started.sentinel?.stop()]);
    throw failed.reason;
  }
}
