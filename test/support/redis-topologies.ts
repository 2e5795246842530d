import Redis, { Cluster } from 'ioredis';
import type { RedisClient, RedisConnectionOptions } from '../../lib/adapters/redis/redis.options';

/** The Redis deployments the suites run against. */
export type RedisTopologyName = 'standalone' | 'sentinel' | 'cluster';

/** Environment variables the Jest global setup fills (test-only names, so the sample's own variables stay untouched). */
export const TOPOLOGY_ENV = {
  clusterNodes: 'AUTHKIT_TEST_CLUSTER_NODES',
  sentinels: 'AUTHKIT_TEST_SENTINELS',
  sentinelName: 'AUTHKIT_TEST_SENTINEL_NAME',
  /** Comma list of topologies to start and run (default all three); `standalone` alone for a quick local run. */
  select: 'AUTHKIT_TEST_TOPOLOGIES',
} as const;

/** One deployment, as the suites see it. */
export interface RedisTopology {
  name: RedisTopologyName;
  /** The `redis` module option (without keyPrefix) that reaches it. */
  connection: RedisConnectionOptions;
  /** A new plain client on it (offline queue on, for test set-up code). Close it with `disconnect()`. */
  createClient(): RedisClient;
}

/** `host:port,...` -> addresses. */
export function parseAddressList(list: string): { host: string; port: number }[] {
  return list.split(',').map((entry) => {
    const [host, port] = entry.trim().split(':');
    return { host, port: Number(port) };
  });
}

/** Which topologies this run covers (`AUTHKIT_TEST_TOPOLOGIES`, default all three). */
export function selectedTopologies(): RedisTopologyName[] {
  const raw = process.env[TOPOLOGY_ENV.select];
  const all: RedisTopologyName[] = ['standalone', 'sentinel', 'cluster'];
  if (!raw) return all;
  const chosen = raw.split(',').map((s) => s.trim());
  return all.filter((name) => chosen.includes(name));
}

function standalone(): RedisTopology {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the tests through Jest (its globalSetup starts redis-server)');
  return { name: 'standalone', connection: { url }, createClient: () => new Redis(url, { maxRetriesPerRequest: 1 }) };
}

/** The `sentinel` topology from environment-style values (also used by tests that start their own). */
export function sentinelTopology(sentinelList: string, name: string): RedisTopology {
  const sentinels = parseAddressList(sentinelList);
  return {
    name: 'sentinel',
    connection: { sentinels, name },
    createClient: () => new Redis({ sentinels, name, maxRetriesPerRequest: 1 }),
  };
}

/** The `cluster` topology from a node list (also used by tests that start their own). */
export function clusterTopology(nodeList: string): RedisTopology {
  const nodes = parseAddressList(nodeList);
  return {
    name: 'cluster',
    connection: { cluster: { nodes } },
    createClient: () => new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } }),
  };
}

/**
 * Every topology the global setup started, standalone first. Suites iterate it to run one contract on all
 * of them (`for (const topology of redisTopologies()) describeXContract(...)`).
 */
export function redisTopologies(): RedisTopology[] {
  const topologies: RedisTopology[] = [];
  for (const name of selectedTopologies()) {
    if (name === 'standalone') topologies.push(standalone());
    if (name === 'sentinel') {
      const list = process.env[TOPOLOGY_ENV.sentinels];
      if (!list) throw new Error(`${TOPOLOGY_ENV.sentinels} is not set: the Jest global setup starts the Sentinel topology`);
      topologies.push(sentinelTopology(list, process.env[TOPOLOGY_ENV.sentinelName] ?? 'mymaster'));
    }
    if (name === 'cluster') {
      const list = process.env[TOPOLOGY_ENV.clusterNodes];
      if (!list) throw new Error(`${TOPOLOGY_ENV.clusterNodes} is not set: the Jest global setup starts the Cluster topology`);
      topologies.push(clusterTopology(list));
    }
  }
  return topologies;
}

/**
 * Clients shared by one test file, one per topology, created on first use: `client(topology)` in a test or a
 * store factory, `closeAll()` in `afterAll`.
 */
export function topologyClients(): { client(topology: RedisTopology): RedisClient; closeAll(): void } {
  const clients = new Map<RedisTopologyName, RedisClient>();
  return {
    client(topology) {
      let client = clients.get(topology.name);
      if (!client) {
        client = topology.createClient();
        clients.set(topology.name, client);
      }
      return client;
    },
    closeAll() {
      clients.forEach((client) => client.disconnect());
      clients.clear();
    },
  };
}

/** Every key matching `pattern` on every master (SCAN per node on a Cluster). */
export async function scanAllKeys(client: RedisClient, pattern: string): Promise<string[]> {
  if (client instanceof Cluster && client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}
