import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AuthenticatedUser, ClientInfo, PublicUser, SessionView } from '../auth.types';
import { SessionNotFoundError, SessionRevokedError } from '../errors/auth.errors';
import { AuthEvent } from '../events/auth-event.names';
import { AuthEvents } from '../events/auth-events.emitter';
import type { SecurityLog } from '../events/security-log';
import { SessionStore } from '../ports/session-store.interface';
import { UserStore } from '../ports/user-store.interface';
import { publicUser } from '../sign-in/session-issuer';
import { SECOND_FACTORS, type SecondFactors, type SecondFactorSummary } from './second-factors';

/** A signed-in user's view of their account and sessions: `me`, list, logout, logout-all, revoke one. */
@Injectable()
export class SessionsService {
  private get security(): SecurityLog {
    return this.events.security;
  }

  constructor(
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(UserStore) private readonly users: UserStore,
    private readonly events: AuthEvents,
    @Optional() @Inject(SECOND_FACTORS) private readonly secondFactors?: SecondFactors | null,
  ) {}

  /**
   * The principal's user as `GET /auth/me` shows it (with `emailVerified`, so a page can ask to verify the email);
   * `SessionRevokedError` when the user is gone or disabled. With a second-factor feature on, `mfa`: the user's factors
   * (read alongside the user: the same round trip on Redis).
   */
  async me(principal: AuthenticatedUser): Promise<PublicUser & { emailVerified: boolean; mfa?: SecondFactorSummary }> {
    const [user, mfa] = await Promise.all([this.users.findById(principal.id), this.secondFactors?.summary(principal.id)]);
    if (!user || user.disabled) throw new SessionRevokedError();
    return { ...publicUser(user), emailVerified: user.emailVerified === true, ...(mfa ? { mfa } : {}) };
  }

  /** The user's live sessions, oldest first; `current` marks the principal's. */
  async listSessions(principal: AuthenticatedUser): Promise<SessionView[]> {
    const sessions = await this.sessions.list(principal.id);
    return sessions.map((s) => ({
      id: s.id,
      current: s.id === principal.sessionId,
      createdAt: new Date(s.createdAt).toISOString(),
      lastUsedAt: new Date(s.lastUsedAt).toISOString(),
      expiresAt: new Date(s.expiresAt).toISOString(),
      ip: s.ip ?? null,
      userAgent: s.userAgent ?? null,
      amr: [...s.amr],
      authTime: new Date(s.authTime).toISOString(),
    }));
  }

  /** Ends one session. Idempotent: true when a live session was ended, false when there was none. Emits `Logout` when one ended. */
  async logout(principal: AuthenticatedUser, client: ClientInfo = {}): Promise<boolean> {
    const ended = await this.sessions.revoke(principal.id, principal.sessionId);
    if (ended) this.events.emitFor(client, AuthEvent.Logout, { userId: principal.id, sessionId: principal.sessionId });
    return ended;
  }

  /** Ends every session of the user; returns how many there were. Emits `LogoutAll`. */
  async logoutAll(userId: string, client: ClientInfo & { sessionId?: string } = {}): Promise<number> {
    const revoked = await this.sessions.revokeAll(userId);
    this.security.record('sessions_revoked', { userId, reason: 'logout_all', count: revoked });
    this.events.emitFor(client, AuthEvent.LogoutAll, { userId, sessionId: client.sessionId, revoked });
    return revoked;
  }

  /** Revokes one of the user's sessions; another user's session id is simply not found. Emits `SessionRevoked`. */
  async revokeSession(userId: string, sessionId: string, client: ClientInfo & { reason?: string; actorId?: string } = {}): Promise<void> {
    if (!(await this.sessions.revoke(userId, sessionId))) throw new SessionNotFoundError();
    this.security.record('session_revoked', { userId, sessionId, reason: client.reason === 'admin' ? 'revoked_by_admin' : 'revoked_by_user' });
    this.events.emitFor(client, AuthEvent.SessionRevoked, { userId, sessionId, reason: client.reason ?? 'user', actorId: client.actorId });
  }
}
