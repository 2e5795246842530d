import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { failOption, oneOf, type OptionKeys, positiveInteger, rejectUnknownKeys } from '../../core/options/options.validation';

/** What the library's Redis adapters accept: a standalone (or Sentinel-managed) client, or a Redis Cluster client. */
export type RedisClient = Redis | Cluster;

/**
 * How far a session write must have gone before the library tells the client it exists:
 * - `'acknowledged'` (default): the master applied it. Redis replicates asynchronously, so a master that
 *   dies within a few milliseconds of the write can take it with it (the client then holds a refresh token
 *   the promoted replica never saw, and its next refresh is refused).
 * - `'replicated'`: after a session creation or a rotation the library sends `WAIT 1 <replicationTimeoutMs>`
 *   on the same connection (same node on a Cluster), in the same round trip. If no replica confirms in
 *   time the request fails with 503 `store_unavailable` (the client retries; a rotation retried within
 *   the reuse window answers the same token). A write acknowledged to a client then survives the loss of
 *   its master. It costs the replication delay on every login and refresh, and 503s while a master has no
 *   replica (e.g. after a failover, until the old master rejoins as a replica).
 */
export type RedisDurability = 'acknowledged' | 'replicated';

/** Options every Redis connection form accepts. */
export interface RedisCommonOptions {
  /** First part of every key (`authkit` by default). */
  keyPrefix?: string;
  /** See `RedisDurability`. Default `'acknowledged'`. */
  durability?: RedisDurability;
  /** With `durability: 'replicated'`: how long `WAIT` waits for a replica, in ms (1..400). Default 250. */
  replicationTimeoutMs?: number;
  /**
   * A store budget per HTTP request, in ms (200..10000): once a request has waited that long on Redis in all, or one
   * of its commands timed out, its next commands fail at once (503), so a slow Redis answers every route within about
   * that long, not 500 ms per command. Off by default: it needs an AsyncLocalStorage across each request, which costs
   * about 20-30 us of CPU per request on Node 20 (bench:cpu, on every route, open ones too). Each command keeps its
   * own 500 ms timeout either way.
   */
  requestBudgetMs?: number;
}

/** A Sentinel address. */
export interface RedisSentinelAddress {
  host: string;
  port: number;
}

/**
 * Where Redis comes from. Omit `redis` entirely to use the in-memory stores (development only).
 * - `{ url }` / `{ url, options }`: standalone. The module creates its own ioredis client,
 *   with fail-fast defaults (no offline queue,
 *   500 ms command timeout).
 * - `{ sentinels, name }` (+ `options`): a master found through Redis Sentinel (`name` is the master group
 *   name). The client follows failovers by itself; same fail-fast defaults.
 * - `{ cluster: { nodes, options } }`: Redis Cluster (at least one reachable node; the rest is discovered).
 * - `{ namespace }`: reuse a client the app already registered with `@liaoliaots/nestjs-redis` (an optional peer).
 * - `{ client }`: an ioredis `Redis` or `Cluster` you created (apply `FAIL_FAST_REDIS_OPTIONS` /
 *   `FAIL_FAST_CLUSTER_OPTIONS` to get 503s within a second while Redis is down).
 *
 * @example
 * ```ts
 * redis: { url: 'redis://127.0.0.1:6379' }
 * redis: { sentinels: [{ host: '10.0.0.1', port: 26379 }], name: 'mymaster', durability: 'replicated' }
 * redis: { cluster: { nodes: [{ host: '10.0.0.1', port: 7000 }] } }
 * ```
 */
export type RedisConnectionOptions = RedisCommonOptions &
  (
    | { url?: string; options?: RedisOptions }
    | { sentinels: RedisSentinelAddress[]; name: string; options?: RedisOptions }
    | { cluster: { nodes: ClusterNode[]; options?: ClusterOptions } }
    | { namespace: string }
    | { client: RedisClient }
  );

/** The module options the Redis feature owns. */
export interface RedisModuleOptions {
  redis?: RedisConnectionOptions;
}

/** `WAIT <replicas> <timeoutMs>` after session writes (`durability: 'replicated'`). */
export interface ReplicationWait {
  replicas: number;
  timeoutMs: number;
}

/** The Redis options after defaults and validation (injected as `REDIS_OPTIONS`). */
export interface ResolvedRedisOptions {
  /** Absent: no Redis, the in-memory adapters are used. */
  connection?: RedisConnectionOptions;
  /** First part of every key (`authkit` by default). */
  keyPrefix: string;
  /** Set with `durability: 'replicated'`: the WAIT sent after session creations and rotations. */
  replicationWait?: ReplicationWait;
  /** `redis.requestBudgetMs`: set, every request gets that store budget; absent, none. */
  requestBudgetMs?: number;
}

/** Injection token of `ResolvedRedisOptions`. */
export const REDIS_OPTIONS = Symbol('authkit:redis-options');

const FORMS = ['url', 'sentinels', 'cluster', 'namespace', 'client'] as const;

/** The top-level options the Redis adapter owns. */
export const REDIS_OPTION_KEYS: OptionKeys<RedisModuleOptions> = { redis: true };
/** Every key of every connection form (each form's own shape is checked below). */
const REDIS_KEYS: { readonly [K in RedisConnectionOptions extends infer U ? (U extends unknown ? keyof U : never) : never]-?: true } = {
  keyPrefix: true, durability: true, replicationTimeoutMs: true, requestBudgetMs: true, url: true, options: true, sentinels: true, name: true, cluster: true,
  namespace: true, client: true,
};
const SENTINEL_KEYS: OptionKeys<RedisSentinelAddress> = { host: true, port: true };
const CLUSTER_KEYS: OptionKeys<{ nodes: unknown; options: unknown }> = { nodes: true, options: true };

/** `{ host?, port? }`, as ioredis takes a Sentinel. */
function validHostPort(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  const { host, port } = node as { host?: unknown; port?: unknown };
  return (host === undefined || typeof host === 'string') && (port === undefined || (typeof port === 'number' && Number.isInteger(port)));
}

/** A Cluster node: `{ host?, port? }`, or a URL / port as ioredis also takes for one. */
function validClusterNode(node: unknown): boolean {
  return typeof node === 'string' || typeof node === 'number' || validHostPort(node);
}

/** Applies defaults to the `redis` option and validates it; throws a `TypeError` naming the option. */
export function resolveRedisOptions(options: RedisModuleOptions): ResolvedRedisOptions {
  const redis = options.redis;
  if (redis !== undefined && (redis === null || typeof redis !== 'object')) failOption('redis', 'must be an object');
  const keyPrefix = redis?.keyPrefix ?? 'authkit';
  if (typeof keyPrefix !== 'string' || !/^[A-Za-z0-9:_-]{1,64}$/.test(keyPrefix)) failOption('redis.keyPrefix', 'must match [A-Za-z0-9:_-]{1,64}');
  if (!redis) return { connection: undefined, keyPrefix };
  rejectUnknownKeys(redis, 'redis', REDIS_KEYS);
  const forms = FORMS.filter((form) => form in redis && (redis as Record<string, unknown>)[form] !== undefined);
  if (forms.length > 1) failOption('redis', `takes one of url, sentinels, cluster, namespace or client (got ${forms.join(' and ')})`);
  if ('url' in redis && redis.url !== undefined && typeof redis.url !== 'string') {
    failOption('redis.url', 'must be a string such as redis://127.0.0.1:6379');
  }
  if ('sentinels' in redis) {
    if (!Array.isArray(redis.sentinels) || redis.sentinels.length === 0 || !redis.sentinels.every(validHostPort)) {
      failOption('redis.sentinels', 'must be a non-empty array of { host, port }');
    }
    redis.sentinels.forEach((sentinel, index) => rejectUnknownKeys(sentinel, `redis.sentinels[${index}]`, SENTINEL_KEYS));
    if (typeof redis.name !== 'string' || redis.name === '') failOption('redis.name', 'must name the Sentinel master group (e.g. "mymaster")');
  }
  if ('cluster' in redis) {
    rejectUnknownKeys(redis.cluster, 'redis.cluster', CLUSTER_KEYS);
    const nodes = (redis.cluster as { nodes?: unknown } | null)?.nodes;
    if (!Array.isArray(nodes) || nodes.length === 0 || !nodes.every(validClusterNode)) {
      failOption('redis.cluster.nodes', 'must be a non-empty array of { host, port }');
    }
  }
  const durability = oneOf(redis.durability, 'redis.durability', ['acknowledged', 'replicated'] as const, 'acknowledged');
  const timeoutMs = positiveInteger(redis.replicationTimeoutMs, 'redis.replicationTimeoutMs', 250);
  // The WAIT rides in the same round trip as the write, under the connection's 500 ms command timeout: it must end first.
  if (timeoutMs > 400) failOption('redis.replicationTimeoutMs', 'must be at most 400 (ms): the WAIT must end within the 500 ms command timeout');
  const requestBudgetMs = redis.requestBudgetMs === undefined ? undefined : positiveInteger(redis.requestBudgetMs, 'redis.requestBudgetMs', 1000);
  if (requestBudgetMs !== undefined && (requestBudgetMs < 200 || requestBudgetMs > 10_000)) failOption('redis.requestBudgetMs', 'must be between 200 and 10000 (ms)');
  return {
    connection: redis,
    keyPrefix,
    replicationWait: durability === 'replicated' ? { replicas: 1, timeoutMs } : undefined,
    requestBudgetMs,
  };
}

