import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Redis, type RedisOptions } from 'ioredis';
import { AUTHKIT_REDIS } from '../auth.constants';
import { REDIS_OPTIONS, type ResolvedRedisOptions } from './redis.options';

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

function ownClientConfig(options: ResolvedRedisOptions): { url?: string; options: RedisOptions } | undefined {
  const redis = options.connection;
  if (!redis || 'namespace' in redis || 'client' in redis) return undefined;
  return { url: redis.url, options: { ...FAIL_FAST_REDIS_OPTIONS, ...redis.options } };
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

/** The `RedisService` class of `@liaoliaots/nestjs-redis`, an optional peer needed only for `redis: { namespace }`. */
function nestjsRedisService(): abstract new (...args: never[]) => { getOrThrow(namespace: string): Redis } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@liaoliaots/nestjs-redis') as { RedisService: abstract new (...args: never[]) => { getOrThrow(namespace: string): Redis } })
      .RedisService;
  } catch {
    throw new TypeError(
      'nestjs-authkit: option "redis.namespace" names a @liaoliaots/nestjs-redis client, but that package is not installed',
    );
  }
}

/** Creates the library's own ioredis client (for `redis: { url, options }`) and quits it on shutdown. */
@Module({})
export class AuthkitRedisModule implements OnApplicationShutdown {
  constructor(@Inject(AUTHKIT_OWN_REDIS) private readonly own: Redis | null) {}

  static register(optionsModule: DynamicModule): DynamicModule {
    const ownClient: Provider = {
      provide: AUTHKIT_OWN_REDIS,
      inject: [REDIS_OPTIONS],
      useFactory: (options: ResolvedRedisOptions): Redis | null => {
        const config = ownClientConfig(options);
        if (!config) return null;
        const client = config.url ? new Redis(config.url, config.options) : new Redis(config.options);
        attachErrorLog(client);
        return client;
      },
    };
    return { module: AuthkitRedisModule, imports: [optionsModule], providers: [ownClient], exports: [AUTHKIT_OWN_REDIS] };
  }

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
    try {
      await client.quit();
    } catch {
      client.disconnect();
    }
    await ended;
  }
}

/** Resolves the client the adapters use: the module's own, an app client by namespace, or a given instance. */
export const authkitRedisProvider: Provider = {
  provide: AUTHKIT_REDIS,
  inject: [REDIS_OPTIONS, AUTHKIT_OWN_REDIS, ModuleRef],
  useFactory: (options: ResolvedRedisOptions, own: Redis | null, moduleRef: ModuleRef): Redis | null => {
    const redis = options.connection;
    if (!redis) return null;
    if ('client' in redis) return redis.client;
    if ('namespace' in redis) {
      let service: { getOrThrow(namespace: string): Redis };
      try {
        service = moduleRef.get(nestjsRedisService(), { strict: false });
      } catch (error) {
        if (error instanceof TypeError) throw error;
        throw new TypeError(
          'nestjs-authkit: option "redis.namespace" names a @liaoliaots/nestjs-redis client, but RedisModule is not registered in the app',
        );
      }
      return service.getOrThrow(redis.namespace);
    }
    return own;
  },
};
