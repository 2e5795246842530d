import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  RefreshTokenInvalidError, RefreshTokenReusedError, RefreshTokenSupersededError, SessionNotFoundError, SessionRevokedError,
} from './auth.errors';
import type { AuthenticatedUser, ClientInfo, PublicUser, SessionView, TokenPair } from './auth.types';
import { type Credentials, IdentityResolver } from './identity/identity.resolver';
import type { StoredUser } from './identity/user-store.interface';
import { SessionStore } from './sessions/session-store.interface';
import { TokenService } from './tokens/token.service';

function publicUser(user: StoredUser): PublicUser {
  return { id: user.id, email: user.email, roles: [...user.roles] };
}

/**
 * The authentication use cases, independent of HTTP: what `AuthController` calls, and what a
 * GraphQL resolver or a custom controller can call.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('AuthKit');

  constructor(
    private readonly tokens: TokenService,
    private readonly identity: IdentityResolver,
    @Inject(SessionStore) private readonly sessions: SessionStore,
  ) {}

  async register(credentials: Credentials, client: ClientInfo = {}): Promise<TokenPair> {
    const user = await this.identity.register(credentials);
    return this.startSession(user, client);
  }

  async login(credentials: Credentials, client: ClientInfo = {}): Promise<TokenPair> {
    const user = await this.identity.login(credentials);
    return this.startSession(user, client);
  }

  /** Creates a session for a user already authenticated by other means (OAuth, magic link...). */
  async startSession(user: StoredUser, client: ClientInfo = {}): Promise<TokenPair> {
    const refresh = this.tokens.createRefreshToken(user.id);
    await this.sessions.create({
      userId: user.id,
      sessionId: refresh.sessionId,
      secretHash: refresh.secretHash,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    return this.tokenPair(user, refresh.sessionId, refresh.refreshToken);
  }

  /**
   * Rotates a refresh token. Exactly one of several concurrent calls with one token succeeds; a
   * replayed old token revokes the session (`RefreshTokenReusedError`). Re-reads the user, so a
   * deleted or disabled user cannot refresh and role changes reach the next access token.
   */
  async refresh(refreshToken: unknown, client: ClientInfo = {}): Promise<TokenPair> {
    const presented = this.tokens.parseRefreshToken(refreshToken);
    const next = this.tokens.nextRefreshToken(presented);
    const result = await this.sessions.rotate({
      userId: presented.userId,
      sessionId: presented.sessionId,
      presentedHash: presented.secretHash,
      nextHash: next.secretHash,
      ip: client.ip,
    });
    switch (result.status) {
      case 'rotated':
        break;
      case 'superseded':
        throw new RefreshTokenSupersededError();
      case 'reused':
        this.logger.warn(`Refresh token reuse detected; session revoked (user ${presented.userId})`);
        throw new RefreshTokenReusedError();
      default:
        throw new RefreshTokenInvalidError();
    }
    const user = await this.identity.findUser(presented.userId);
    if (!user || user.disabled) {
      await this.sessions.revoke(presented.userId, presented.sessionId);
      throw new RefreshTokenInvalidError();
    }
    return this.tokenPair(user, presented.sessionId, next.refreshToken);
  }

  /** Ends one session. Idempotent. */
  async logout(principal: AuthenticatedUser): Promise<void> {
    await this.sessions.revoke(principal.id, principal.sessionId);
  }

  /** Ends every session of the user; returns how many there were. */
  logoutAll(userId: string): Promise<number> {
    return this.sessions.revokeAll(userId);
  }

  async me(principal: AuthenticatedUser): Promise<PublicUser> {
    const user = await this.identity.findUser(principal.id);
    if (!user || user.disabled) throw new SessionRevokedError();
    return publicUser(user);
  }

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
    }));
  }

  /** Revokes one of the user's own sessions; another user's session id is simply not found. */
  async revokeSession(userId: string, sessionId: string): Promise<void> {
    if (!(await this.sessions.revoke(userId, sessionId))) throw new SessionNotFoundError();
  }

  private tokenPair(user: StoredUser, sessionId: string, refreshToken: string): TokenPair {
    const { accessToken, expiresInSeconds } = this.tokens.signAccessToken({ userId: user.id, sessionId, roles: user.roles });
    return { accessToken, tokenType: 'Bearer', expiresIn: expiresInSeconds, refreshToken, user: publicUser(user) };
  }
}
