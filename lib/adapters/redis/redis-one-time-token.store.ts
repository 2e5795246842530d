import type { RedisClient } from './redis.options';
import { redisCall } from './redis-call';
import { RedisKeys } from './redis-keys';
import type { OneTimeTokenKind } from '../../core/tokens/one-time-token';
import type { ConsumeOneTimeTokenInput, IssueOneTimeTokenInput, OneTimeTokenStore } from '../../core/ports/one-time-token-store.interface';

/**
 * KEYS[1] the user's token hash of one kind (`h` token hash, `b` binding, `x` expiry epoch ms);
 * ARGV[1] presented hash, ARGV[2] now (epoch ms). Deletes the record and returns the binding when the hash
 * matches and it has not expired; returns false otherwise (a wrong hash leaves the record in place). The
 * hashes are compared inside Redis: both are SHA-256 of 256-bit secrets, so the comparison reveals nothing useful.
 */
const CONSUME = `
local record = redis.call('HMGET', KEYS[1], 'h', 'b', 'x')
if not record[1] or record[1] ~= ARGV[1] then return false end
if tonumber(record[3]) <= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return false
end
redis.call('DEL', KEYS[1])
return record[2]
`;

/** KEYS[1], ARGV as for CONSUME: the binding when the hash matches and it has not expired, else false. Read-only. */
const VERIFY = `
local record = redis.call('HMGET', KEYS[1], 'h', 'b', 'x')
if not record[1] or record[1] ~= ARGV[1] or tonumber(record[3]) <= tonumber(ARGV[2]) then return false end
return record[2]
`;

/** KEYS[1] record; ARGV hash, binding, expiry (epoch ms), ttl ms. Replaces the previous token in one step. */
const ISSUE = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'b', ARGV[2], 'x', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

interface OneTimeTokenCommands {
  authkitOttConsume(key: string, hash: string, now: number): Promise<string | null>;
  authkitOttVerify(key: string, hash: string, now: number): Promise<string | null>;
  authkitOttIssue(key: string, hash: string, binding: string, expiresAt: number, ttlMs: number): Promise<number>;
}

/**
 * `OneTimeTokenStore` on Redis: one hash per user and kind, `<prefix>:{<userId>}:ott:<kind>`, in the user's
 * slot; issue, verify and consume are one script each. The key expires with the token (PEXPIRE); the expiry is also
 * stored and checked against the injected clock, so tests can move time instead of sleeping. Works on a
 * standalone, Sentinel or Cluster client (each call touches one key).
 */
export class RedisOneTimeTokenStore implements OneTimeTokenStore {
  private readonly keys: RedisKeys;
  private readonly commands: OneTimeTokenCommands;

  constructor(private readonly redis: RedisClient, keyPrefix = 'authkit', private readonly now: () => number = Date.now) {
    this.keys = new RedisKeys(keyPrefix);
    if (!('authkitOttConsume' in redis)) redis.defineCommand('authkitOttConsume', { lua: CONSUME, numberOfKeys: 1 });
    if (!('authkitOttVerify' in redis)) redis.defineCommand('authkitOttVerify', { lua: VERIFY, numberOfKeys: 1 });
    if (!('authkitOttIssue' in redis)) redis.defineCommand('authkitOttIssue', { lua: ISSUE, numberOfKeys: 1 });
    this.commands = redis as unknown as OneTimeTokenCommands;
  }

  async issue(input: IssueOneTimeTokenInput): Promise<void> {
    const expiresAt = this.now() + input.ttlMs;
    await redisCall(() => this.commands.authkitOttIssue(this.key(input.kind, input.userId), input.hash, input.binding, expiresAt, input.ttlMs));
  }

  async verify(input: ConsumeOneTimeTokenInput): Promise<{ binding: string } | null> {
    const binding = await redisCall(() => this.commands.authkitOttVerify(this.key(input.kind, input.userId), input.hash, this.now()));
    return typeof binding === 'string' ? { binding } : null;
  }

  async consume(input: ConsumeOneTimeTokenInput): Promise<{ binding: string } | null> {
    const binding = await redisCall(() => this.commands.authkitOttConsume(this.key(input.kind, input.userId), input.hash, this.now()));
    return typeof binding === 'string' ? { binding } : null;
  }

  async revoke(kind: OneTimeTokenKind, userId: string): Promise<void> {
    await redisCall(() => this.redis.del(this.key(kind, userId)));
  }

  private key(kind: OneTimeTokenKind, userId: string): string {
    return this.keys.oneTimeToken(userId, kind);
  }
}
