import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { EmailTakenError } from '../auth.errors';
import { RedisKeys } from '../redis/redis-keys';
import { redisCall } from '../redis/redis-call';
import type { NewUser, StoredUser, UserStore } from './user-store.interface';

/**
 * `UserStore` on Redis: a hash per user (`<prefix>:{<id>}:user`) and an email index
 * (`<prefix>:email:<email>` -> id). User records are the only keys without a TTL.
 */
export class RedisUserStore implements UserStore {
  private readonly keys: RedisKeys;

  constructor(private readonly redis: Redis, keyPrefix = 'authkit') {
    this.keys = new RedisKeys(keyPrefix);
  }

  async findById(id: string): Promise<StoredUser | null> {
    const hash = await redisCall(() => this.redis.hgetall(this.keys.user(id)));
    return this.toUser(hash);
  }

  async findByEmail(email: string): Promise<StoredUser | null> {
    const id = await redisCall(() => this.redis.get(this.keys.email(email)));
    return id === null ? null : this.findById(id);
  }

  /**
   * Writes the user hash, then claims the email with SET NX. If the claim fails the hash is removed.
   * (Written in this order, a crash in between leaves an unreachable hash, never a claimed email
   * without a user.)
   */
  async create(user: NewUser): Promise<StoredUser> {
    const id = randomUUID();
    const stored: StoredUser = { id, ...user, roles: [...user.roles] };
    const userKey = this.keys.user(id);
    await redisCall(() =>
      this.redis.hset(userKey, {
        id,
        email: user.email,
        pwd: user.passwordHash ?? '',
        roles: JSON.stringify(user.roles),
        ev: user.emailVerified ? '1' : '0',
        ca: Date.now(),
      }),
    );
    const claimed = await redisCall(() => this.redis.set(this.keys.email(user.email), id, 'NX'));
    if (claimed !== 'OK') {
      await redisCall(() => this.redis.del(userKey));
      throw new EmailTakenError();
    }
    return stored;
  }

  async setPasswordHash(id: string, passwordHash: string | null): Promise<void> {
    await redisCall(() => this.redis.hset(this.keys.user(id), 'pwd', passwordHash ?? ''));
  }

  async setRoles(id: string, roles: string[]): Promise<void> {
    await redisCall(() => this.redis.hset(this.keys.user(id), 'roles', JSON.stringify(roles)));
  }

  private toUser(hash: Record<string, string>): StoredUser | null {
    if (!hash.id) return null;
    let roles: string[] = [];
    try {
      const parsed: unknown = JSON.parse(hash.roles ?? '[]');
      if (Array.isArray(parsed)) roles = parsed.filter((r): r is string => typeof r === 'string');
    } catch {
      roles = [];
    }
    return {
      id: hash.id,
      email: hash.email,
      passwordHash: hash.pwd ? hash.pwd : null,
      roles,
      emailVerified: hash.ev === '1',
      disabled: hash.dis === '1',
    };
  }
}
