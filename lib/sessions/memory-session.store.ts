import { timingSafeEqual } from 'node:crypto';
import { storedUserAgent } from './session-record.codec';
import type {
  CreateSessionInput, RotateResult, RotateSessionInput, SessionRecord, SessionStore, SessionStoreSettings,
} from './session-store.interface';

interface StoredSession extends SessionRecord {
  currentHash: string;
  previousHash?: string;
  rotatedAt?: number;
}

function sameHash(a: string | undefined, b: string): boolean {
  if (a === undefined || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * In-process `SessionStore` for development and tests of apps without Redis. Same semantics as
 * `RedisSessionStore`, but sessions live in this process only and are lost on restart.
 * `now` is the clock (epoch ms) the store reads, `Date.now` by default.
 */
export class MemorySessionStore implements SessionStore {
  private readonly users = new Map<string, Map<string, StoredSession>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly settings: SessionStoreSettings, private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async create(input: CreateSessionInput): Promise<SessionRecord> {
    const now = this.now();
    const absoluteExpiresAt = now + this.settings.absoluteTtlMs;
    const session: StoredSession = {
      id: input.sessionId,
      userId: input.userId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: Math.min(now + this.settings.idleTtlMs, absoluteExpiresAt),
      absoluteExpiresAt,
      generation: 1,
      ip: input.ip || undefined,
      // Cut as `RedisSessionStore` cuts it: a client-controlled header must not grow memory without bound.
      userAgent: storedUserAgent(input.userAgent) || undefined,
      currentHash: input.secretHash,
    };
    const sessions = this.live(input.userId, now) ?? new Map<string, StoredSession>();
    sessions.set(session.id, session);
    this.users.set(input.userId, sessions);
    const excess = sessions.size - this.settings.maxSessionsPerUser;
    if (excess > 0) {
      [...sessions.values()]
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, excess)
        .forEach((s) => sessions.delete(s.id));
    }
    return this.toRecord(session);
  }

  async rotate(input: RotateSessionInput): Promise<RotateResult> {
    const now = this.now();
    const sessions = this.live(input.userId, now);
    const session = sessions?.get(input.sessionId);
    if (!sessions || !session) return { status: 'invalid' };
    if (sameHash(session.currentHash, input.presentedHash)) {
      session.previousHash = session.currentHash;
      session.currentHash = input.nextHash;
      session.rotatedAt = now;
      session.generation += 1;
      session.lastUsedAt = now;
      session.expiresAt = Math.min(now + this.settings.idleTtlMs, session.absoluteExpiresAt);
      if (input.ip) session.ip = input.ip;
      const { id, userId, generation, createdAt, absoluteExpiresAt } = session;
      return { status: 'rotated', session: { id, userId, generation, createdAt, absoluteExpiresAt } };
    }
    if (sameHash(session.previousHash, input.presentedHash) && now - (session.rotatedAt ?? 0) < this.settings.reuseWindowMs) {
      return { status: 'superseded' };
    }
    sessions.delete(session.id);
    return { status: 'reused' };
  }

  async exists(userId: string, sessionId: string): Promise<boolean> {
    return this.live(userId, this.now())?.has(sessionId) ?? false;
  }

  async list(userId: string): Promise<SessionRecord[]> {
    const sessions = this.live(userId, this.now());
    if (!sessions) return [];
    return [...sessions.values()].sort((a, b) => a.createdAt - b.createdAt).map((s) => this.toRecord(s));
  }

  async revoke(userId: string, sessionId: string): Promise<boolean> {
    return this.live(userId, this.now())?.delete(sessionId) ?? false;
  }

  async revokeAll(userId: string): Promise<number> {
    const sessions = this.live(userId, this.now());
    this.users.delete(userId);
    return sessions?.size ?? 0;
  }

  /** Stops the background sweep (call when discarding the store). */
  close(): void {
    clearInterval(this.sweeper);
  }

  /** The user's sessions with expired ones removed; undefined when none is left. */
  private live(userId: string, now: number): Map<string, StoredSession> | undefined {
    const sessions = this.users.get(userId);
    if (!sessions) return undefined;
    for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
    if (sessions.size === 0) {
      this.users.delete(userId);
      return undefined;
    }
    return sessions;
  }

  private sweep(): void {
    const now = this.now();
    for (const userId of [...this.users.keys()]) this.live(userId, now);
  }

  private toRecord(s: StoredSession): SessionRecord {
    const { currentHash: _c, previousHash: _p, rotatedAt: _r, ...record } = s;
    return { ...record };
  }
}
