import Redis, { Cluster } from 'ioredis';
import type { RedisClient, RedisConnectionOptions } from '../../lib/adapters/redis/redis.options';

/** The Redis deployments the suites run against. */
export type RedisTopologyName = 'standalone' | 'sentinel' | 'cluster';

/** The deployments the suites of a run share (started on demand by topology-broker.ts; standalone is per worker). */
export type SharedTopologyName = Exclude<RedisTopologyName, 'standalone'>;

/**
 * The global of a test file where `redisTopologies()` notes the shared deployments the file runs on: its test
 * environment (jest-environment.ts) reads it once the file is collected and brings them up before its first hook.
 */
export const WANTED_TOPOLOGIES = '__AUTHKIT_WANTED_TOPOLOGIES__';

/**
 * Environment variables that say where the shared deployments are (test-only names, so the sample's own variables
 * stay untouched): the test environment sets them for the files that use them; set by hand, they win.
 */
export const TOPOLOGY_ENV = {
  clusterNodes: 'AUTHKIT_TEST_CLUSTER_NODES',
  sentinels: 'AUTHKIT_TEST_SENTINELS',
  sentinelName: 'AUTHKIT_TEST_SENTINEL_NAME',
  /** Comma list of topologies to run on (default all three); `standalone` alone for a quick local run. */
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

/**
 * Of `names`, the shared deployments to start: not standalone, and not named by hand in `env` (a deployment of
 * your own, through `TOPOLOGY_ENV`).
 */
export function sharedToStart(names: Iterable<RedisTopologyName>, env: NodeJS.ProcessEnv = process.env): SharedTopologyName[] {
  const given: Record<SharedTopologyName, string> = { cluster: TOPOLOGY_ENV.clusterNodes, sentinel: TOPOLOGY_ENV.sentinels };
  return [...names].filter((name): name is SharedTopologyName => name !== 'standalone' && !env[given[name]]);
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
 * The shared topology `name`, read from the environment when a test uses it: its test environment has acquired it
 * by then (see `redisTopologies`).
 */
function shared(name: SharedTopologyName, fromEnv: () => RedisTopology): RedisTopology {
  return {
    name,
    get connection() {
      return fromEnv().connection;
    },
    createClient: () => fromEnv().createClient(),
  };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: call redisTopologies() at the top level of the test file (while Jest collects it), ` +
        'so that its test environment (test/support/jest-environment.ts) starts the topologies before its first hook',
    );
  }
  return value;
}

/**
 * Every selected topology, standalone first. Suites iterate it to run one contract on all of them
 * (`for (const topology of redisTopologies()) describeXContract(...)`). Called while Jest collects the file, it
 * notes the Cluster and Sentinel ones: the file's test environment starts them (or joins the running ones) before
 * the file's first hook, so a run without such a file never starts them.
 */
export function redisTopologies(): RedisTopology[] {
  const selected = selectedTopologies();
  const global = globalThis as { [WANTED_TOPOLOGIES]?: Set<SharedTopologyName> };
  const wanted = (global[WANTED_TOPOLOGIES] ??= new Set());
  return selected.map((name) => {
    if (name === 'standalone') return standalone();
    wanted.add(name);
    if (name === 'sentinel') {
      return shared(name, () => sentinelTopology(requiredEnv(TOPOLOGY_ENV.sentinels), process.env[TOPOLOGY_ENV.sentinelName] ?? 'mymaster'));
    }
    return shared(name, () => clusterTopology(requiredEnv(TOPOLOGY_ENV.clusterNodes)));
  });
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
