import { randomBytes } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';

/** The Redis URL set by the Jest global setup (a throwaway real redis-server). */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the tests through Jest (its globalSetup starts redis-server)');
  return url;
}

/** A real ioredis client on the test server. Close it with `quit()` in `afterAll`. */
export function createRedisClient(options: RedisOptions = {}, url = redisUrl()): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, ...options });
}

/** A key prefix unique to this test run, valid for the `redis.keyPrefix` option. */
export function uniqueKeyPrefix(tag: string): string {
  return `t-${tag}-${randomBytes(4).toString('hex')}`;
}

/** Every key matching `pattern` (SCAN, never KEYS). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Escapes glob characters so a literal prefix can be used in a SCAN MATCH pattern. */
export function globEscape(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Parses `INFO commandstats` into `{ command: calls }` (e.g. `{ evalsha: 3 }`). */
export async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]] = Number(match[2]);
  return calls;
}

/** Session records in one user's sessions hash (`<prefix>:{<userId>}:s`): its fields without `:` (later pieces have one). */
export async function sessionRecordCount(redis: Redis, key: string): Promise<number> {
  return (await redis.hkeys(key)).filter((field) => !field.includes(':')).length;
}
