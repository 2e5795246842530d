import type { Redis, RedisOptions } from 'ioredis';
import { failOption } from '../options.validation';

/**
 * Where Redis comes from. Omit `redis` entirely to use the in-memory stores (development only).
 * - `{ url }` / `{ url, options }`: the module creates its own ioredis client
 *   with fail-fast defaults (no offline queue, 500 ms command timeout).
 * - `{ namespace }`: reuse a client the app already registered with `@liaoliaots/nestjs-redis` (an optional peer).
 * - `{ client }`: an ioredis client you created.
 */
export type RedisConnectionOptions =
  | { url?: string; options?: RedisOptions; keyPrefix?: string }
  | { namespace: string; keyPrefix?: string }
  | { client: Redis; keyPrefix?: string };

/** The module options the Redis feature owns. */
export interface RedisModuleOptions {
  redis?: RedisConnectionOptions;
}

/** The Redis options after defaults and validation (injected as `REDIS_OPTIONS`). */
export interface ResolvedRedisOptions {
  /** Absent: no Redis, the in-memory adapters are used. */
  connection?: RedisConnectionOptions;
  /** First part of every key (`authkit` by default). */
  keyPrefix: string;
}

/** Injection token of `ResolvedRedisOptions`. */
export const REDIS_OPTIONS = Symbol('authkit:redis-options');

/** Applies defaults to the `redis` option and validates it; throws a `TypeError` naming the option. */
export function resolveRedisOptions(options: RedisModuleOptions): ResolvedRedisOptions {
  const redis = options.redis;
  if (redis !== undefined && (redis === null || typeof redis !== 'object')) failOption('redis', 'must be an object');
  const keyPrefix = redis?.keyPrefix ?? 'authkit';
  if (typeof keyPrefix !== 'string' || !/^[A-Za-z0-9:_-]{1,64}$/.test(keyPrefix)) failOption('redis.keyPrefix', 'must match [A-Za-z0-9:_-]{1,64}');
  if (redis && 'url' in redis && redis.url !== undefined && typeof redis.url !== 'string') {
    failOption('redis.url', 'must be a string such as redis://127.0.0.1:6379');
  }
  return { connection: redis, keyPrefix };
}
