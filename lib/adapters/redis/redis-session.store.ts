import { SessionRevokedError } from '../../core/errors/auth.errors';
import type { RedisClient } from './redis.options';
import { RedisKeys } from './redis-keys';
import { redisCall } from './redis-call';
import type { ReplicatedWriter } from './replicated-write';
import type {
  CreateSessionInput, ReauthenticateSessionInput, RevokeAllSessionsOptions, SessionAuthentication, RotateResult, RotateSessionInput, SessionRecord, SessionStore, SessionStoreSettings,
  UserRecordFields, UserRecordRotateResult, UserRecordRotation, UserRecordSource,
} from '../../core/ports/session-store.interface';
import { MAX_AMR_VALUES, storedAmr, storedAuthTime } from '../../core/ports/session-store.interface';
import {
  amrCodes, decodeReauthenticateReply, type ReauthenticateSessionArgv, type ReauthenticateSessionReply,
} from './session-authentication.codec';
import {
  CREATE_SESSION, REAUTHENTICATE_SESSION, createSessionArgv, type CreateSessionArgv, decodeCreateReply, decodeHead, decodeRotateReply,
  decodeSessions, headExpiresAt, REVOKE_ALL_SESSIONS, REVOKE_SESSION, revokeAllSessionsArgv, type RevokeAllSessionsArgv,
  type RevokeSessionArgv, ROTATE_SESSION, ROTATE_SESSION_WITH_USER_RECORD, rotateSessionArgv, type RotateSessionArgv,
  type RotateSessionReply, rotateSessionWithUserRecordArgv, type RotateSessionWithUserRecordArgv, SESSION_ID, storedIp,
  storedUserAgent, storedVersion, decodeUserRecordReply,
} from './session-record.codec';

interface SessionCommands {
  authkitCreateSession(key: string, ...argv: CreateSessionArgv): Promise<number>;
  authkitRotateSession(key: string, ...argv: RotateSessionArgv): Promise<RotateSessionReply>;
  authkitRotateSessionWithUserRecord(key: string, userKey: string, ...argv: RotateSessionWithUserRecordArgv): Promise<RotateSessionReply>;
  authkitRevokeSession(key: string, ...argv: RevokeSessionArgv): Promise<number>;
  authkitRevokeAllSessions(key: string, ...argv: RevokeAllSessionsArgv): Promise<number>;
  authkitReauthenticateSession(key: string, ...argv: ReauthenticateSessionArgv): Promise<ReauthenticateSessionReply>;
}

/**
 * `SessionStore` on Redis. Every operation is one round trip: a Lua script (EVALSHA) or one command.
 * All sessions of a user are one hash with a TTL (the layout is in `session-record.codec.ts`): about 330 bytes
 * of Redis memory per session with a user-agent summary, and the access-token check is one HGET. Lifetimes
 * are computed from the settings at each check, so shortening them applies to existing sessions at once.
 *
 * `now` is the clock (epoch ms) the store reads, `Date.now` by default; the key's Redis TTL is set relative
 * to it, so a clock that runs ahead of real time only shortens how long Redis keeps the key.
 *
 * `replication` (`redis.durability: 'replicated'`): creations and rotations run on the writer's own connections,
 * each followed by a `WAIT` in the same round trip, and fail (503) unless a replica confirmed them (see
 * `RedisDurability`); reads and every other command stay on `redis` and never queue behind a `WAIT`.
 */
export class RedisSessionStore implements SessionStore, UserRecordRotation {
  private readonly keys: RedisKeys;
  private readonly commands: SessionCommands;

  constructor(
    private readonly redis: RedisClient,
    private readonly settings: SessionStoreSettings,
    private readonly keyPrefix = 'authkit',
    private readonly now: () => number = Date.now,
    private readonly replication?: ReplicatedWriter,
  ) {
    this.keys = new RedisKeys(keyPrefix);
    const define = (name: keyof SessionCommands, lua: string, numberOfKeys = 1) => {
      if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
      replication?.define(name, lua, numberOfKeys);
    };
    define('authkitCreateSession', CREATE_SESSION);
    define('authkitRotateSession', ROTATE_SESSION);
    define('authkitRotateSessionWithUserRecord', ROTATE_SESSION_WITH_USER_RECORD, 2);
    define('authkitRevokeSession', REVOKE_SESSION);
    define('authkitRevokeAllSessions', REVOKE_ALL_SESSIONS);
    define('authkitReauthenticateSession', REAUTHENTICATE_SESSION);
    this.commands = redis as unknown as SessionCommands;
  }

  async create(input: CreateSessionInput): Promise<SessionRecord> {
    if (!SESSION_ID.test(input.sessionId)) throw new TypeError('nestjs-authkit: session ids must match [A-Za-z0-9_-]{1,64}');
    const now = this.now();
    const { idleTtlMs, absoluteTtlMs } = this.settings;
    const argv = createSessionArgv(input, now, this.settings);
    const key = this.keys.sessions(input.userId);
    const reply = await redisCall(() =>
      this.replication
        ? this.replication.call<number>('authkitCreateSession', [key, ...argv])
        : this.commands.authkitCreateSession(key, ...argv),
    );
    const decoded = decodeCreateReply(reply);
    if (decoded === 'taken') throw new Error('nestjs-authkit: session id already in use for this user');
    if (decoded === 'stale') throw new SessionRevokedError();
    const absoluteExpiresAt = now + absoluteTtlMs;
    return {
      id: input.sessionId,
      userId: input.userId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: Math.min(now + idleTtlMs, absoluteExpiresAt),
      absoluteExpiresAt,
      generation: 1,
      credentialVersion: storedVersion(input.credentialVersion),
      amr: storedAmr(input.amr),
      authTime: storedAuthTime(input.authTime, now),
      ip: storedIp(input.ip) || undefined,
      userAgent: storedUserAgent(input.userAgent) || undefined,
    };
  }

  async rotate(input: RotateSessionInput): Promise<RotateResult> {
    if (!SESSION_ID.test(input.sessionId)) return { status: 'invalid' };
    const argv = rotateSessionArgv(input, this.now(), this.settings);
    const key = this.keys.sessions(input.userId);
    const reply = await redisCall(() =>
      this.replication
        ? this.replication.call<RotateSessionReply>('authkitRotateSession', [key, ...argv])
        : this.commands.authkitRotateSession(key, ...argv),
    );
    return decodeRotateReply(reply, input, this.settings);
  }

  /** Same client and key prefix: the user's record (`RedisKeys.user`) is then in the slot of the user's sessions. */
  readsUserRecordsOf(source: UserRecordSource): boolean {
    return source.redis === this.redis && source.keyPrefix === this.keyPrefix;
  }

  /**
   * `rotate` and the read of the user's record (`RedisKeys.user`, same slot) in one script: one round trip. Use
   * only for a source `readsUserRecordsOf` accepts.
   */
  async rotateWithUserRecord(input: Omit<RotateSessionInput, 'credentialVersion'>, fields: UserRecordFields): Promise<UserRecordRotateResult> {
    if (!SESSION_ID.test(input.sessionId)) return { result: { status: 'invalid' } };
    const argv = rotateSessionWithUserRecordArgv(input, fields, this.now(), this.settings);
    const keys = [this.keys.sessions(input.userId), this.keys.user(input.userId)] as const;
    const reply = await redisCall(() =>
      this.replication
        ? this.replication.call<RotateSessionReply>('authkitRotateSessionWithUserRecord', [...keys, ...argv])
        : this.commands.authkitRotateSessionWithUserRecord(...keys, ...argv),
    );
    return { result: decodeRotateReply(reply, input, this.settings), userRecord: decodeUserRecordReply(reply) };
  }

  /** One HGET of the session's head; a session past its expiry counts as absent. */
  async exists(userId: string, sessionId: string): Promise<boolean> {
    if (!SESSION_ID.test(sessionId)) return false;
    const head = await redisCall(() => this.redis.hget(this.keys.sessions(userId), sessionId));
    return head !== null && headExpiresAt(decodeHead(head), this.settings) > this.now();
  }

  /** One HGETALL; the records are put together by the codec. */
  async list(userId: string): Promise<SessionRecord[]> {
    const now = this.now();
    const fields = await redisCall(() => this.redis.hgetall(this.keys.sessions(userId)));
    const sessions: SessionRecord[] = [];
    for (const s of decodeSessions(fields)) {
      const expiresAt = headExpiresAt(s, this.settings);
      if (!(expiresAt > now)) continue;
      sessions.push({
        id: s.id,
        userId,
        createdAt: s.createdAt,
        lastUsedAt: s.lastUsedAt,
        expiresAt,
        absoluteExpiresAt: s.createdAt + this.settings.absoluteTtlMs,
        generation: s.generation,
        credentialVersion: s.credentialVersion,
        amr: s.amr,
        authTime: s.authTime,
        ip: s.ip || undefined,
        userAgent: s.userAgent || undefined,
      });
    }
    return sessions.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async revoke(userId: string, sessionId: string): Promise<boolean> {
    if (!SESSION_ID.test(sessionId)) return false;
    const { idleTtlMs, absoluteTtlMs } = this.settings;
    const deleted = await redisCall(() =>
      this.commands.authkitRevokeSession(this.keys.sessions(userId), sessionId, this.now(), idleTtlMs, absoluteTtlMs),
    );
    return deleted === 1;
  }

  /** One script on the user's hash: the step-up field `<sid>:a` (the head, the guard's HGET, is left alone). */
  async reauthenticate(input: ReauthenticateSessionInput): Promise<SessionAuthentication | null> {
    if (!SESSION_ID.test(input.sessionId)) return null;
    const { idleTtlMs, absoluteTtlMs } = this.settings;
    const argv: ReauthenticateSessionArgv = [input.sessionId, this.now(), idleTtlMs, absoluteTtlMs, amrCodes(input.amr), MAX_AMR_VALUES];
    const key = this.keys.sessions(input.userId);
    const reply = await redisCall(() =>
      this.replication
        ? this.replication.call<ReauthenticateSessionReply>('authkitReauthenticateSession', [key, ...argv])
        : this.commands.authkitReauthenticateSession(key, ...argv),
    );
    return decodeReauthenticateReply(reply);
  }

  /** One script: revokes (but `keep`) and records the credential version atomically. */
  async revokeAll(userId: string, options: RevokeAllSessionsOptions = {}): Promise<number> {
    const argv = revokeAllSessionsArgv(options, this.now(), this.settings);
    return redisCall(() => this.commands.authkitRevokeAllSessions(this.keys.sessions(userId), ...argv));
  }
}
