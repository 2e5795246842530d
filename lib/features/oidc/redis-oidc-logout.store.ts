import { createHash } from 'node:crypto';
import type { RedisClient } from '../../adapters/redis/redis.options';
import { redisCall } from '../../adapters/redis/redis-call';
import type { OidcLogoutStore } from './oidc-logout-store.interface';

/** Removes and returns the fields of hash KEYS[1] whose value is ARGV[1] or empty (all fields when ARGV[1] is empty). */
const TAKE_SESSIONS = `
local all = redis.call('HGETALL', KEYS[1])
local taken = {}
for i = 1, #all, 2 do
  if ARGV[1] == '' or all[i + 1] == ARGV[1] or all[i + 1] == '' then
    taken[#taken + 1] = all[i]
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return taken
`;

/** Adds field ARGV[1] = ARGV[2] to hash KEYS[1] and extends its TTL to ARGV[3] ms (never shortens it). */
const ADD_SESSION = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local ttl = tonumber(ARGV[3])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`;

interface LogoutCommands {
  authkitOidcTakeSessions(key: string, sid: string): Promise<string[]>;
  authkitOidcAddSession(key: string, sessionId: string, sid: string, ttlMs: number): Promise<number>;
}

const hash = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');

/**
 * `OidcLogoutStore` on Redis. Keys (`<prefix>:oidc:<provider>:...`): `u:{<userId>}` a hash sessionId -> sid of the
 * user's sessions through the provider (its TTL the longest session's); `sid:<sha256(sid)>` -> userId;
 * `pending:<sha256(sub)>` -> sid between an id_token and its session; `jti:<sha256(jti)>` the used logout tokens.
 * Each call touches one key (Cluster-safe); the provider's ids are stored only as hashes in key names.
 */
export class RedisOidcLogoutStore implements OidcLogoutStore {
  private readonly commands: LogoutCommands;

  constructor(private readonly redis: RedisClient, private readonly keyPrefix = 'authkit') {
    if (!('authkitOidcTakeSessions' in redis)) redis.defineCommand('authkitOidcTakeSessions', { lua: TAKE_SESSIONS, numberOfKeys: 1 });
    if (!('authkitOidcAddSession' in redis)) redis.defineCommand('authkitOidcAddSession', { lua: ADD_SESSION, numberOfKeys: 1 });
    this.commands = redis as unknown as LogoutCommands;
  }

  async rememberSid(provider: string, sub: string, sid: string, ttlMs: number): Promise<void> {
    await redisCall(() => this.redis.set(this.key(provider, `pending:${hash(sub)}`), sid, 'PX', Math.max(1, Math.floor(ttlMs))));
  }

  takeSid(provider: string, sub: string): Promise<string | null> {
    return redisCall(() => this.redis.getdel(this.key(provider, `pending:${hash(sub)}`)));
  }

  async addSession(provider: string, userId: string, sessionId: string, sid: string | null, ttlMs: number): Promise<void> {
    const ms = Math.max(1, Math.floor(ttlMs));
    await redisCall(() => this.commands.authkitOidcAddSession(this.key(provider, `u:{${userId}}`), sessionId, sid ?? '', ms));
    if (sid) await redisCall(() => this.redis.set(this.key(provider, `sid:${hash(sid)}`), userId, 'PX', ms));
  }

  userOfSid(provider: string, sid: string): Promise<string | null> {
    return redisCall(() => this.redis.get(this.key(provider, `sid:${hash(sid)}`)));
  }

  takeSessions(provider: string, userId: string, sid?: string): Promise<string[]> {
    return redisCall(() => this.commands.authkitOidcTakeSessions(this.key(provider, `u:{${userId}}`), sid ?? ''));
  }

  async claimJti(provider: string, jti: string, ttlMs: number): Promise<boolean> {
    const set = await redisCall(() => this.redis.set(this.key(provider, `jti:${hash(jti)}`), '1', 'PX', Math.max(1, Math.floor(ttlMs)), 'NX'));
    return set === 'OK';
  }

  private key(provider: string, rest: string): string {
    return `${this.keyPrefix}:oidc:${provider}:${rest}`;
  }
}
