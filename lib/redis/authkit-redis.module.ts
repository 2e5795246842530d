import { type DynamicModule, Logger, Module, type Provider } from '@nestjs/common';
import { RedisModule, RedisService } from '@liaoliaots/nestjs-redis';
import type { Redis, RedisOptions } from 'ioredis';
import { AUTHKIT_REDIS, AUTHKIT_REDIS_NAMESPACE } from '../auth.constants';
import { REDIS_OPTIONS, type ResolvedRedisOptions } from './redis.options';

/** Internal token: the client this module registered itself (null when the app supplies one or none). */
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

function ownClientConfig(options: ResolvedRedisOptions): RedisOptions & { url?: string } | undefined {
  const redis = options.connection;
  if (!redis || 'namespace' in redis || 'client' in redis) return undefined;
  return { ...FAIL_FAST_REDIS_OPTIONS, ...redis.options, url: redis.url };
}

function attachErrorLog(client: Redis): void {
  const logger = new Logger('AuthKit');
  let last = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - last < 10_000) return;
    last = now;
    logger.error(`Redis: ${error.message}`);
  });
}

/**
 * Registers the library's own Redis client with `@liaoliaots/nestjs-redis` (non-global, namespace
 * `authkit`), so it neither sees nor disturbs a `RedisModule` the app registered itself.
 */
@Module({})
export class AuthkitRedisModule {
  static register(optionsModule: DynamicModule): DynamicModule {
    const ownClient: Provider = {
      provide: AUTHKIT_OWN_REDIS,
      inject: [REDIS_OPTIONS, RedisService],
      useFactory: (options: ResolvedRedisOptions, redis: RedisService) =>
        ownClientConfig(options) ? redis.getOrThrow(AUTHKIT_REDIS_NAMESPACE) : null,
    };
    return {
      module: AuthkitRedisModule,
      imports: [
        optionsModule,
        RedisModule.forRootAsync(
          {
            imports: [optionsModule],
            inject: [REDIS_OPTIONS],
            useFactory: (...args: unknown[]) => {
              const config = ownClientConfig(args[0] as ResolvedRedisOptions);
              return {
                closeClient: true,
                errorLog: false,
                config: config ? [{ ...config, namespace: AUTHKIT_REDIS_NAMESPACE, onClientCreated: attachErrorLog }] : [],
              };
            },
          },
          false,
        ),
      ],
      providers: [ownClient],
      exports: [AUTHKIT_OWN_REDIS],
    };
  }
}

/** Resolves the client the adapters use: the module's own, an app client by namespace, or a given instance. */
export const authkitRedisProvider: Provider = {
  provide: AUTHKIT_REDIS,
  inject: [REDIS_OPTIONS, AUTHKIT_OWN_REDIS, { token: RedisService, optional: true }],
  useFactory: (options: ResolvedRedisOptions, own: Redis | null, appRedis?: RedisService): Redis | null => {
    const redis = options.connection;
    if (!redis) return null;
    if ('client' in redis) return redis.client;
    if ('namespace' in redis) {
      if (!appRedis) {
        throw new TypeError(
          `nestjs-authkit: option "redis.namespace" names a @liaoliaots/nestjs-redis client, but RedisModule is not registered in the app`,
        );
      }
      return appRedis.getOrThrow(redis.namespace);
    }
    return own;
  },
};
