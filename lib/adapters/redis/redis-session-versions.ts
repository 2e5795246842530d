import type { SessionStoreSettings } from '../../core/ports/session-store.interface';
import type { SessionVersionCheck, SessionVersions } from '../../core/ports/session-versions.interface';
import { redisCall } from './redis-call';
import { RedisKeys } from './redis-keys';
import type { RedisClient } from './redis.options';
import { CLAIMS_VERSION_FIELD, decodeHead, headExpiresAt, SESSION_ID } from './session-record.codec';

/** KEYS: sessions. ARGV: the field. Raises the claims version of a user who has a session hash; 0 without one. */
const BUMP_CLAIMS_VERSION = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
`;

interface VersionCommands {
  authkitBumpClaimsVersion(key: string, field: string): Promise<number>;
}

/**
 * `SessionVersions` of `RedisSessionStore`: the user's claims version is the field `:c` of the user's session hash
 * (`session-record.codec.ts`), so the guard reads it with the session's head in ONE `HMGET`. The session scripts
 * leave per-user fields alone; when the last session goes the hash goes, and the version with it: no token of the
 * user can pass the check then, and tokens signed afterwards read the version afresh.
 */
export class RedisSessionVersions implements SessionVersions {
  private readonly keys: RedisKeys;
  private readonly commands: VersionCommands;

  constructor(
    private readonly redis: RedisClient,
    private readonly settings: SessionStoreSettings,
    keyPrefix = 'authkit',
    private readonly now: () => number = Date.now,
  ) {
    this.keys = new RedisKeys(keyPrefix);
    if (!('authkitBumpClaimsVersion' in redis)) redis.defineCommand('authkitBumpClaimsVersion', { lua: BUMP_CLAIMS_VERSION, numberOfKeys: 1 });
    this.commands = redis as unknown as VersionCommands;
  }

  async current(userId: string): Promise<number> {
    const value = await redisCall(() => this.redis.hget(this.keys.sessions(userId), CLAIMS_VERSION_FIELD));
    return Number(value ?? 0);
  }

  async bump(userId: string): Promise<void> {
    await redisCall(() => this.commands.authkitBumpClaimsVersion(this.keys.sessions(userId), CLAIMS_VERSION_FIELD));
  }

  /** One `HMGET` of the session's head and the user's version. */
  async check(userId: string, sessionId: string, version: number): Promise<SessionVersionCheck> {
    if (!SESSION_ID.test(sessionId)) return 'absent';
    const [head, stored] = await redisCall(() => this.redis.hmget(this.keys.sessions(userId), sessionId, CLAIMS_VERSION_FIELD));
    if (head === null || !(headExpiresAt(decodeHead(head), this.settings) > this.now())) return 'absent';
    return Number(stored ?? 0) === version ? 'live' : 'stale';
  }
}
