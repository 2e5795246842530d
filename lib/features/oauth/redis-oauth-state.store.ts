import type { RedisClient } from '../../adapters/redis/redis.options';
import { redisCall } from '../../adapters/redis/redis-call';
import { type OAuthStateRecord, type OAuthStateStore, parseOAuthStateRecord } from './oauth-state-store.interface';
import { sha256 } from './pkce';

/** The stored form: the record plus its expiry (epoch milliseconds). */
interface StoredOAuthState extends OAuthStateRecord {
  expiresAt?: unknown;
}

/**
 * `OAuthStateStore` on Redis: one key per pending authorization (`<prefix>:oauth:state:<sha256(state)>`)
 * written with `SET ... PX`, consumed with `GETDEL` (Redis >= 6.2), so a state works exactly once even
 * under concurrent callbacks.
 *
 * The record carries its expiry (`expiresAt`, from `now()`), checked when consumed; the key's TTL only lets
 * Redis drop it once it is over. So a test can move the clock instead of waiting for the TTL.
 */
export class RedisOAuthStateStore implements OAuthStateStore {
  /** @param now the clock, epoch milliseconds (default `Date.now`); tests inject one to move time. */
  constructor(private readonly redis: RedisClient, private readonly keyPrefix = 'authkit', private readonly now: () => number = Date.now) {}

  async save(state: string, record: OAuthStateRecord, ttlMs: number): Promise<void> {
    const ms = Math.max(1, Math.floor(ttlMs));
    const stored: StoredOAuthState = { ...record, expiresAt: this.now() + ms };
    await redisCall(() => this.redis.set(this.key(state), JSON.stringify(stored), 'PX', ms));
  }

  async consume(state: string): Promise<OAuthStateRecord | null> {
    const raw = await redisCall(() => this.redis.getdel(this.key(state)));
    const parsed = parseOAuthStateRecord(raw) as StoredOAuthState | null;
    if (!parsed) return null;
    const { expiresAt, ...record } = parsed;
    // Without `expiresAt` (written by an older version) the key's TTL is the expiry; anything else fails closed.
    if (expiresAt !== undefined && !(typeof expiresAt === 'number' && expiresAt > this.now())) return null;
    return record;
  }

  /** The key of a state; the state itself is stored only as a hash. */
  key(state: string): string {
    return `${this.keyPrefix}:oauth:state:${sha256(state)}`;
  }
}
