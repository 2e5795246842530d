import { SessionRevokedError } from '../../core/errors/auth.errors';
import { constantTimeEqual as sameHash } from '../../core/tokens/constant-time';
import { CREDENTIAL_FLOOR_RETENTION_MS, storedUserAgent, storedVersion } from '../../core/sessions/session-fields';
import type {
  CreateSessionInput, ReauthenticateSessionInput, RevokeAllSessionsOptions, SessionAuthentication, RotateResult, RotateSessionInput, RotatedSession, SessionRecord, SessionStore, SessionStoreSettings,
} from '../../core/ports/session-store.interface';
import { reauthenticatedAmr, storedAmr, storedAuthTime } from '../../core/ports/session-store.interface';

interface StoredSession extends SessionRecord {
  currentHash: string;
  previousHash?: string;
  rotatedAt?: number;
}

function rotated(s: StoredSession): RotatedSession {
  return { id: s.id, userId: s.userId, generation: s.generation, createdAt: s.createdAt, absoluteExpiresAt: s.absoluteExpiresAt, amr: [...s.amr], authTime: s.authTime };
}

/**
 * In-process `SessionStore` for development and tests of apps without Redis. Same semantics as
 * `RedisSessionStore`, but sessions live in this process only and are lost on restart.
 * `now` is the clock (epoch ms) the store reads, `Date.now` by default.
 */
export class MemorySessionStore implements SessionStore {
  private readonly users = new Map<string, Map<string, StoredSession>>();
  /** Credential-version floor per user (see `RevokeAllSessionsOptions`), kept while the user has sessions or until `until`. */
  private readonly floors = new Map<string, { version: number; until: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly settings: SessionStoreSettings, private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async create(input: CreateSessionInput): Promise<SessionRecord> {
    const now = this.now();
    const credentialVersion = storedVersion(input.credentialVersion);
    if (credentialVersion < this.floor(input.userId, now)) throw new SessionRevokedError();
    const absoluteExpiresAt = now + this.settings.absoluteTtlMs;
    const session: StoredSession = {
      id: input.sessionId,
      userId: input.userId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: Math.min(now + this.settings.idleTtlMs, absoluteExpiresAt),
      absoluteExpiresAt,
      generation: 1,
      credentialVersion,
      amr: storedAmr(input.amr),
      authTime: storedAuthTime(input.authTime, now),
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
    if (session.credentialVersion < Math.max(storedVersion(input.credentialVersion), this.floor(input.userId, now))) {
      sessions.delete(session.id);
      return { status: 'stale' };
    }
    if (sameHash(session.currentHash, input.presentedHash)) {
      session.previousHash = session.currentHash;
      session.currentHash = input.nextHash;
      session.rotatedAt = now;
      session.generation += 1;
      session.lastUsedAt = now;
      session.expiresAt = Math.min(now + this.settings.idleTtlMs, session.absoluteExpiresAt);
      if (input.ip) session.ip = input.ip;
      return { status: 'rotated', session: rotated(session) };
    }
    if (sameHash(session.previousHash, input.presentedHash)) {
      const since = now - (session.rotatedAt ?? 0);
      const sameNext = sameHash(session.currentHash, input.nextHash);
      if (since < this.settings.reuseWindowMs) return sameNext ? { status: 'duplicate', session: rotated(session) } : { status: 'superseded' };
      // The new token is unused (else the presented one would be older than the previous): a retry of a lost answer.
      if (sameNext && since < (this.settings.retryGraceMs ?? 0)) return { status: 'duplicate', session: rotated(session), late: true };
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

  async revokeAll(userId: string, options: RevokeAllSessionsOptions = {}): Promise<number> {
    const now = this.now();
    let floor = this.floor(userId, now);
    if (options.credentialVersion !== undefined) floor = Math.max(floor, storedVersion(options.credentialVersion));
    if (floor > 0) this.floors.set(userId, { version: floor, until: now + CREDENTIAL_FLOOR_RETENTION_MS });
    const sessions = this.live(userId, now);
    if (!sessions) return 0;
    const keep = options.keep;
    let revoked = 0;
    for (const session of [...sessions.values()]) {
      if (keep === 'all' || session.id === keep?.sessionId) {
        session.credentialVersion = Math.max(session.credentialVersion, floor);
      } else {
        sessions.delete(session.id);
        revoked += 1;
      }
    }
    if (sessions.size === 0) this.users.delete(userId);
    return revoked;
  }

  async reauthenticate(input: ReauthenticateSessionInput): Promise<SessionAuthentication | null> {
    const now = this.now();
    const session = this.live(input.userId, now)?.get(input.sessionId);
    if (!session) return null;
    session.amr = reauthenticatedAmr(session.amr, input.amr);
    session.authTime = storedAuthTime(now, session.createdAt);
    return { amr: [...session.amr], authTime: session.authTime };
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
    for (const userId of [...this.floors.keys()]) this.floor(userId, now);
  }

  /** The user's credential-version floor (0 when none): kept while the user has sessions, else until it lapses. */
  private floor(userId: string, now: number): number {
    const floor = this.floors.get(userId);
    if (!floor) return 0;
    if (floor.until <= now && !this.users.has(userId)) {
      this.floors.delete(userId);
      return 0;
    }
    return floor.version;
  }

  private toRecord(s: StoredSession): SessionRecord {
    const { currentHash: _c, previousHash: _p, rotatedAt: _r, ...record } = s;
    return { ...record, amr: [...record.amr] };
  }
}
