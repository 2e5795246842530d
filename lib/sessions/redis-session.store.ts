import type { Redis } from 'ioredis';
import { RedisKeys } from '../redis/redis-keys';
import { redisCall } from '../redis/redis-call';
import type {
  CreateSessionInput, RotateResult, RotateSessionInput, SessionRecord, SessionStore, SessionStoreSettings,
} from './session-store.interface';
import { CREATE_SESSION, REVOKE_ALL_SESSIONS, REVOKE_SESSION, ROTATE_SESSION } from './session.scripts';

type Reply = string | number | null;

interface SessionCommands {
  authkitCreateSession(...args: Array<string | number>): Promise<number>;
  authkitRotateSession(...args: Array<string | number>): Promise<Reply[]>;
  authkitRevokeSession(...args: Array<string | number>): Promise<number>;
  authkitRevokeAllSessions(...args: Array<string | number>): Promise<number>;
}

const MAX_USER_AGENT_LENGTH = 256;
const MAX_IP_LENGTH = 64;
/** Session ids are field names in the user's hash: `:` marks a record's later pieces, so it may not appear in an id. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * Current secret hashes are stored as their first 22 base64url characters (128 bits of the SHA-256): finding a
 * secret that matches them is still a 2^128 search, and the session record stays within the hash's compact
 * encoding. Both stored and presented hashes are cut the same way. (The previous hash keeps 64 bits: see the scripts.)
 */
const STORED_HASH_LENGTH = 22;

/** The fields of a record as the scripts write it (see `session.scripts.ts`). */
interface ParsedRecord {
  createdAt: number;
  lastUsedAt: number;
  generation: number;
  ip: string;
  userAgent: string;
}

function parseRecord(record: string): ParsedRecord | undefined {
  const parts = record.split(',');
  if (parts.length < 7) return undefined;
  const [ca, r, g, , , ip] = parts;
  return {
    createdAt: parseInt(ca, 36),
    lastUsedAt: parseInt(r, 36),
    generation: Number(g),
    ip,
    userAgent: parts.slice(6).join(','),
  };
}

const storedHash = (hash: string) => hash.slice(0, STORED_HASH_LENGTH);

/**
 * `SessionStore` on Redis. Every operation is one round trip: a Lua script (EVALSHA) or one command.
 * All sessions of a user are one hash with a TTL (see `session.scripts.ts` for the layout): about 330 bytes
 * of Redis memory per session with a user-agent summary, and the access-token check is one HGET. Lifetimes
 * are computed from the settings at each check, so shortening them applies to existing sessions at once.
 */
export class RedisSessionStore implements SessionStore {
  private readonly keys: RedisKeys;
  private readonly commands: SessionCommands;

  constructor(private readonly redis: Redis, private readonly settings: SessionStoreSettings, keyPrefix = 'authkit') {
    this.keys = new RedisKeys(keyPrefix);
    const define = (name: keyof SessionCommands, lua: string) => {
      if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys: 1 });
    };
    define('authkitCreateSession', CREATE_SESSION);
    define('authkitRotateSession', ROTATE_SESSION);
    define('authkitRevokeSession', REVOKE_SESSION);
    define('authkitRevokeAllSessions', REVOKE_ALL_SESSIONS);
    this.commands = redis as unknown as SessionCommands;
  }

  async create(input: CreateSessionInput): Promise<SessionRecord> {
    if (!SESSION_ID.test(input.sessionId)) throw new TypeError('nestjs-authkit: session ids must match [A-Za-z0-9_-]{1,64}');
    const now = Date.now();
    const { idleTtlMs, absoluteTtlMs, maxSessionsPerUser } = this.settings;
    const ip = (input.ip ?? '').replace(/,/g, '').slice(0, MAX_IP_LENGTH);
    const userAgent = (input.userAgent ?? '').slice(0, MAX_USER_AGENT_LENGTH);
    const absoluteExpiresAt = now + absoluteTtlMs;
    const t = now.toString(36);
    const record = [t, t, 1, storedHash(input.secretHash), '', ip, userAgent].join(',');
    const evicted = await redisCall(() =>
      this.commands.authkitCreateSession(
        this.keys.sessions(input.userId), input.sessionId, record, now, idleTtlMs, absoluteTtlMs, maxSessionsPerUser,
      ),
    );
    if (evicted === -1) throw new Error('nestjs-authkit: session id already in use for this user');
    return {
      id: input.sessionId,
      userId: input.userId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: Math.min(now + idleTtlMs, absoluteExpiresAt),
      absoluteExpiresAt,
      generation: 1,
      ip: ip || undefined,
      userAgent: userAgent || undefined,
    };
  }

  async rotate(input: RotateSessionInput): Promise<RotateResult> {
    if (!SESSION_ID.test(input.sessionId)) return { status: 'invalid' };
    const reply = await redisCall(() =>
      this.commands.authkitRotateSession(
        this.keys.sessions(input.userId), input.sessionId, storedHash(input.presentedHash), storedHash(input.nextHash),
        Date.now(), this.settings.idleTtlMs, this.settings.absoluteTtlMs, this.settings.reuseWindowMs,
        (input.ip ?? '').replace(/,/g, '').slice(0, MAX_IP_LENGTH),
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
            absoluteExpiresAt: Number(reply[2]) + this.settings.absoluteTtlMs,
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

  /** One HGET of the record's first piece; a record past its expiry counts as absent. */
  async exists(userId: string, sessionId: string): Promise<boolean> {
    if (!SESSION_ID.test(sessionId)) return false;
    const head = await redisCall(() => this.redis.hget(this.keys.sessions(userId), sessionId));
    return head !== null && this.expiresAt(head) > Date.now();
  }

  /** One HGETALL; the records are put together here. */
  async list(userId: string): Promise<SessionRecord[]> {
    const now = Date.now();
    const fields = await redisCall(() => this.redis.hgetall(this.keys.sessions(userId)));
    const sessions: SessionRecord[] = [];
    for (const [id, head] of Object.entries(fields)) {
      if (id.includes(':')) continue;
      let record = head;
      for (let n = 1; fields[`${id}:${n}`] !== undefined; n++) record += fields[`${id}:${n}`];
      const parsed = parseRecord(record);
      if (!parsed || !(this.expiresAt(record) > now)) continue;
      sessions.push({
        id,
        userId,
        createdAt: parsed.createdAt,
        lastUsedAt: parsed.lastUsedAt,
        expiresAt: this.expiresAt(record),
        absoluteExpiresAt: parsed.createdAt + this.settings.absoluteTtlMs,
        generation: parsed.generation,
        ip: parsed.ip || undefined,
        userAgent: parsed.userAgent || undefined,
      });
    }
    return sessions.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async revoke(userId: string, sessionId: string): Promise<boolean> {
    if (!SESSION_ID.test(sessionId)) return false;
    const deleted = await redisCall(() => this.commands.authkitRevokeSession(this.keys.sessions(userId), sessionId, Date.now(), this.settings.idleTtlMs, this.settings.absoluteTtlMs),
    );
    return deleted === 1;
  }

  async revokeAll(userId: string): Promise<number> {
    return redisCall(() =>
      this.commands.authkitRevokeAllSessions(this.keys.sessions(userId), Date.now(), this.settings.idleTtlMs, this.settings.absoluteTtlMs),
    );
  }

  /**
   * When a record (or just its first piece: it starts with `ca,r,`) expires under the current settings:
   * min(last use + idle lifetime, creation + absolute lifetime). 0 for anything unreadable.
   */
  private expiresAt(record: string): number {
    const first = record.indexOf(',');
    const second = record.indexOf(',', first + 1);
    if (first <= 0 || second <= first + 1) return 0;
    const createdAt = parseInt(record.slice(0, first), 36);
    const lastUsedAt = parseInt(record.slice(first + 1, second), 36);
    return Math.min(lastUsedAt + this.settings.idleTtlMs, createdAt + this.settings.absoluteTtlMs) || 0;
  }
}
