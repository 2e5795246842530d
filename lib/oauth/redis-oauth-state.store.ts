import type { Redis } from 'ioredis';
import { redisCall } from '../redis/redis-call';
import { type OAuthStateRecord, type OAuthStateStore, parseOAuthStateRecord } from './oauth-state-store.interface';
import { sha256 } from './pkce';

/**
 * `OAuthStateStore` on Redis: one key per pending authorization (`<prefix>:oauth:state:<sha256(state)>`)
 * written with `SET ... PX`, consumed with `GETDEL` (Redis >= 6.2), so a state works exactly once even
 * under concurrent callbacks.
 */
export class RedisOAuthStateStore implements OAuthStateStore {
  constructor(private readonly redis: Redis, private readonly keyPrefix = 'authkit') {}

  async save(state: string, record: OAuthStateRecord, ttlMs: number): Promise<void> {
    await redisCall(() => this.redis.set(this.key(state), JSON.stringify(record), 'PX', Math.max(1, Math.floor(ttlMs))));
  }

  async consume(state: string): Promise<OAuthStateRecord | null> {
    const raw = await redisCall(() => this.redis.getdel(this.key(state)));
    return parseOAuthStateRecord(raw);
  }

  /** The key of a state; the state itself is stored only as a hash. */
  key(state: string): string {
    return `${this.keyPrefix}:oauth:state:${sha256(state)}`;
  }
}
