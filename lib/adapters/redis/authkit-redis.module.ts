import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { AUTHKIT_REDIS } from '../../core/auth.constants';
import { type RedisClient, REDIS_OPTIONS, type ResolvedRedisOptions } from './redis.options';
import { ReplicatedWriter } from './replicated-write';

/** Internal token: the client this module created itself (null when the app supplies one or none). */
export const AUTHKIT_OWN_REDIS = Symbol('authkit:own-redis');

/**
 * Fail-fast client defaults: no offline queue (a command while disconnected fails at once), a
 * command timeout, one retry, reconnect forever with a capped back-off. Together they make every
 * request that needs Redis get a 503 within about a second while Redis is down, and recover by
 * themselves when it returns.
 */
export const FAIL_FAST_REDIS_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  commandTimeout: 500,
  connectTimeout: 1000,
  maxRetriesPerRequest: 1,
  enableAutoPipelining: true,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
};

/**
 * Sentinel additions: short Sentinel timeouts. (ioredis' `failoverDetector` is left off: its Sentinel
 * subscriptions can outlive `quit()` and keep the process alive; a killed master drops the connection anyway,
 * and the client then asks the Sentinels again until they announce the promoted replica.)
 */
const FAIL_FAST_SENTINEL_OPTIONS: RedisOptions = {
  sentinelCommandTimeout: 500,
  sentinelRetryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
};

/**
 * The same for Redis Cluster: no offline queue, 500 ms per command on a node, and a bounded number of
 * retries (100 ms apart) while a failover moves slots, so a command fails (503) within about 1 s at
 * worst instead of waiting for the promotion.
 */
export const FAIL_FAST_CLUSTER_OPTIONS: ClusterOptions = {
  enableOfflineQueue: false,
  enableAutoPipelining: true,
  maxRedirections: 4,
  retryDelayOnFailover: 100,
  retryDelayOnClusterDown: 100,
  retryDelayOnTryAgain: 100,
  slotsRefreshTimeout: 500,
  slotsRefreshInterval: 2000,
  clusterRetryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
  redisOptions: { commandTimeout: 500, connectTimeout: 1000, maxRetriesPerRequest: 1 },
};

function ownClientConfig(options: ResolvedRedisOptions): RedisOptions & { url?: string } | undefined {
  const redis = options.connection;
  if (!redis) return undefined;
  if ('sentinels' in redis) {
    return { ...FAIL_FAST_REDIS_OPTIONS, ...FAIL_FAST_SENTINEL_OPTIONS, ...redis.options, sentinels: redis.sentinels, name: redis.name };
  }
  if ('namespace' in redis || 'client' in redis || 'cluster' in redis) return undefined;
  const standalone = redis as { url?: string; options?: RedisOptions };
  return { ...FAIL_FAST_REDIS_OPTIONS, ...standalone.options, url: standalone.url };
}

function ownCluster(options: ResolvedRedisOptions): Cluster | null {
  const redis = options.connection;
  if (!redis || !('cluster' in redis)) return null;
  const given = redis.cluster.options ?? {};
  const cluster = new Cluster(redis.cluster.nodes, {
    ...FAIL_FAST_CLUSTER_OPTIONS,
    ...given,
    redisOptions: { ...FAIL_FAST_CLUSTER_OPTIONS.redisOptions, ...given.redisOptions },
  });
  attachErrorLog(cluster);
  return cluster;
}

function attachErrorLog(client: RedisClient): void {
  const logger = new Logger('AuthKit');
  let last = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - last < 10_000) return;
    last = now;
    logger.error(`Redis: ${error.message}`);
  });
}

/** The library's own standalone or Sentinel client (`redis: { url }` / `{ sentinels, name }`), created with ioredis. */
function ownClient(options: ResolvedRedisOptions): Redis | null {
  const config = ownClientConfig(options);
  if (!config) return null;
  const { url, ...rest } = config;
  const client = url ? new Redis(url, rest) : new Redis(rest);
  attachErrorLog(client);
  return client;
}

/** The `RedisService` class of `@liaoliaots/nestjs-redis`, an optional peer needed only for `redis: { namespace }`. */
type NestjsRedisService = abstract new (...args: never[]) => { getOrThrow(namespace: string): RedisClient };
function nestjsRedisService(): NestjsRedisService {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@liaoliaots/nestjs-redis') as { RedisService: NestjsRedisService }).RedisService;
  } catch {
    throw new TypeError('nestjs-authkit: option "redis.namespace" names a @liaoliaots/nestjs-redis client, but that package is not installed');
  }
}

/**
 * Creates the library's own ioredis client (standalone, Sentinel or Cluster) and quits it on shutdown. No
 * `@liaoliaots/nestjs-redis` involved: that optional peer is only for `redis: { namespace }`.
 */
@Module({})
export class AuthkitRedisModule implements OnApplicationShutdown {
  constructor(@Inject(AUTHKIT_OWN_REDIS) private readonly own: RedisClient | null) {}

  async onApplicationShutdown(): Promise<void> {
    const client = this.own;
    if (!client || client.status === 'end') return;
    const ended = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      client.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.quit().catch(() => client.disconnect());
    await ended;
  }

  static register(optionsModule: DynamicModule): DynamicModule {
    const own: Provider = {
      provide: AUTHKIT_OWN_REDIS,
      inject: [REDIS_OPTIONS],
      useFactory: (options: ResolvedRedisOptions): RedisClient | null => ownCluster(options) ?? ownClient(options),
    };
    return { module: AuthkitRedisModule, imports: [optionsModule], providers: [own], exports: [AUTHKIT_OWN_REDIS] };
  }
}

/** Resolves the client the adapters use: the module's own, an app client by namespace, or a given instance. */
export const authkitRedisProvider: Provider = {
  provide: AUTHKIT_REDIS,
  inject: [REDIS_OPTIONS, AUTHKIT_OWN_REDIS, ModuleRef],
  useFactory: (options: ResolvedRedisOptions, own: RedisClient | null, moduleRef: ModuleRef): RedisClient | null => {
    const redis = options.connection;
    if (!redis) return null;
    if ('client' in redis) return redis.client;
    if ('namespace' in redis) {
      const RedisService = nestjsRedisService();
      let service: InstanceType<NestjsRedisService>;
      try {
        service = moduleRef.get(RedisService, { strict: false });
      } catch {
        throw new TypeError(
          'nestjs-authkit: option "redis.namespace" names a @liaoliaots/nestjs-redis client, but RedisModule is not registered in the app',
        );
      }
      return service.getOrThrow(redis.namespace);
    }
    return own;
  },
};

/** Internal token: the `ReplicatedWriter` of `durability: 'replicated'` (null otherwise, or without Redis). */
export const AUTHKIT_REPLICATED_WRITER = Symbol('authkit:replicated-writer');

/** The pool of connections that carries replicated writes and their WAIT (quit by Nest on shutdown). */
export const replicatedWriterProvider: Provider = {
  provide: AUTHKIT_REPLICATED_WRITER,
  inject: [REDIS_OPTIONS, AUTHKIT_REDIS],
  useFactory: (options: ResolvedRedisOptions, redis: RedisClient | null): ReplicatedWriter | null =>
    redis && options.replicationWait ? new ReplicatedWriter(redis, options.replicationWait) : null,
};
