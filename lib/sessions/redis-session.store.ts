import type { Redis } from 'ioredis';
import { RedisKeys } from '../redis/redis-keys';
import { redisCall } from '../redis/redis-call';
import type {
  CreateSessionInput, RotateResult, RotateSessionInput, SessionRecord, SessionStore, SessionStoreSettings,
} from './session-store.interface';
import { CREATE_SESSION, LIST_SESSIONS, REVOKE_ALL_SESSIONS, REVOKE_SESSION, ROTATE_SESSION } from './session.scripts';

type Reply = string | number | null;

interface SessionCommands {
  authkitCreateSession(...args: Array<string | number>): Promise<number>;
  authkitRotateSession(...args: Array<string | number>): Promise<Reply[]>;
  authkitListSessions(...args: Array<string | number>): Promise<Reply[]>;
  authkitRevokeSession(...args: Array<string | number>): Promise<number>;
  authkitRevokeAllSessions(...args: Array<string | number>): Promise<number>;
}

const MAX_USER_AGENT_LENGTH = 256;

/**
 * `SessionStore` on Redis. Every operation is one round trip: a Lua script (EVALSHA) or one command.
 * All keys of a user share a hash tag and every key carries a TTL.
 */
export class RedisSessionStore implements SessionStore {
  private readonly keys: RedisKeys;
  private readonly commands: SessionCommands;
  /** ioredis' own `keyPrefix` applies to KEYS but not to key names built inside scripts. */
  private readonly clientPrefix: string;

  constructor(private readonly redis: Redis, private readonly settings: SessionStoreSettings, keyPrefix = 'authkit') {
    this.keys = new RedisKeys(keyPrefix);
    this.clientPrefix = redis.options?.keyPrefix ?? '';
    const define = (name: keyof SessionCommands, lua: string, numberOfKeys: number) => {
      if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
    };
    define('authkitCreateSession', CREATE_SESSION, 2);
    define('authkitRotateSession', ROTATE_SESSION, 2);
    define('authkitListSessions', LIST_SESSIONS, 1);
    define('authkitRevokeSession', REVOKE_SESSION, 2);
    define('authkitRevokeAllSessions', REVOKE_ALL_SESSIONS, 1);
    this.commands = redis as unknown as SessionCommands;
  }

  async create(input: CreateSessionInput): Promise<SessionRecord> {
    const now = Date.now();
    const { idleTtlMs, absoluteTtlMs, maxSessionsPerUser } = this.settings;
    const ip = input.ip ?? '';
    const userAgent = (input.userAgent ?? '').slice(0, MAX_USER_AGENT_LENGTH);
    await redisCall(() =>
      this.commands.authkitCreateSession(
        this.keys.session(input.userId, input.sessionId), this.keys.sessionIndex(input.userId),
        input.sessionId, input.userId, input.secretHash, now, idleTtlMs, absoluteTtlMs, maxSessionsPerUser,
        ip, userAgent, this.base(input.userId),
      ),
    );
    return {
      id: input.sessionId,
      userId: input.userId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + Math.min(idleTtlMs, absoluteTtlMs),
      absoluteExpiresAt: now + absoluteTtlMs,
      generation: 1,
      ip: ip || undefined,
      userAgent: userAgent || undefined,
    };
  }

  async rotate(input: RotateSessionInput): Promise<RotateResult> {
    const reply = await redisCall(() =>
      this.commands.authkitRotateSession(
        this.keys.session(input.userId, input.sessionId), this.keys.sessionIndex(input.userId),
        input.presentedHash, input.nextHash, Date.now(), this.settings.idleTtlMs, this.settings.reuseWindowMs,
        input.sessionId, input.ip ?? '',
      ),
    );
    switch (Number(reply[0])) {
      case 1:
        return {
          status: 'rotated',
          session: {
            id: input.sessionId,
            userId: input.userId,
            generation: Number(reply[1]),
            createdAt: Number(reply[2]),
            absoluteExpiresAt: Number(reply[3]),
          },
        };
      case 2:
        return { status: 'superseded' };
      case 3:
        return { status: 'reused' };
      default:
        return { status: 'invalid' };
    }
  }

  async exists(userId: string, sessionId: string): Promise<boolean> {
    return (await redisCall(() => this.redis.exists(this.keys.session(userId, sessionId)))) === 1;
  }

  async list(userId: string): Promise<SessionRecord[]> {
    const now = Date.now();
    const flat = await redisCall(() => this.commands.authkitListSessions(this.keys.sessionIndex(userId), this.base(userId)));
    const sessions: SessionRecord[] = [];
    for (let i = 0; i + 8 <= flat.length; i += 8) {
      const [id, createdAt, lastUsedAt, absoluteExpiresAt, generation, ip, userAgent, pttl] = flat.slice(i, i + 8);
      sessions.push({
        id: String(id),
        userId,
        createdAt: Number(createdAt),
        lastUsedAt: Number(lastUsedAt),
        expiresAt: now + Number(pttl),
        absoluteExpiresAt: Number(absoluteExpiresAt),
        generation: Number(generation),
        ip: ip ? String(ip) : undefined,
        userAgent: userAgent ? String(userAgent) : undefined,
      });
    }
    return sessions;
  }

  async revoke(userId: string, sessionId: string): Promise<boolean> {
    const deleted = await redisCall(() =>
      this.commands.authkitRevokeSession(this.keys.session(userId, sessionId), this.keys.sessionIndex(userId), sessionId),
    );
    return deleted === 1;
  }

  async revokeAll(userId: string): Promise<number> {
    return redisCall(() => this.commands.authkitRevokeAllSessions(this.keys.sessionIndex(userId), this.base(userId)));
  }

  private base(userId: string): string {
    return this.clientPrefix + this.keys.sessionBase(userId);
  }
}
