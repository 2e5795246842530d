import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  EmailTakenError, InvalidCredentialsError, RefreshTokenInvalidError, TooManyAttemptsError, TooManyRequestsError, RefreshTokenReusedError, RefreshTokenSupersededError, SessionNotFoundError, SessionRevokedError,
  UserNotFoundError,
} from '../auth.errors';
import type { AuthenticatedUser, ClientInfo, PublicUser, SessionView, TokenPair } from '../auth.types';
import { IDENTITY_OPTIONS, type ResolvedIdentityOptions } from './identity.options';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../sessions/session.options';
import { normalizeEmail } from './email';
import { type Credentials, IdentityResolver } from './identity.resolver';
import { LoginThrottler } from '../throttling/login-throttler.interface';
import { MemoryLoginThrottler } from '../throttling/memory-login.throttler';
import { throttledLogin } from '../throttling/throttled-login';
import { resolveThrottleRules, THROTTLE_RULES } from '../throttling/throttle.options';
import type { ScopedThrottleRule } from '../throttling/login-throttler.interface';
import { credentialVersionOf, type StoredUser } from './user-store.interface';
import { SessionStore } from '../sessions/session-store.interface';
import { TokenService } from '../tokens/token.service';
import type { ParsedRefreshToken } from '../tokens/token.types';
import { sessionUserAgent } from '../sessions/user-agent';
import { clientIpKey } from '../throttling/client-ip';
import { MemoryRouteThrottle } from '../throttling/memory-route.throttle';
import { RouteThrottle } from '../throttling/route-throttle.interface';
import { type ResolvedRouteLimits, resolveRouteLimits, ROUTE_LIMITS } from '../throttling/throttle.options';
import { throttleRoute } from '../throttling/throttled-route';
import { SecurityLog } from './security-log';

/**
 * What `AuthService.register` returns with `registration.emailTakenResponse: 'generic'`: the registration was
 * accepted (an account was created, or the email was taken: the answer does not say), no session is started.
 */
export interface RegistrationAccepted {
  status: 'accepted';
}

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

  private readonly throttler: LoginThrottler;
  private readonly routeThrottle: RouteThrottle;
  private readonly routeLimits: ResolvedRouteLimits;
  private readonly security = new SecurityLog(this.logger);

  constructor(
    private readonly tokens: TokenService,
    private readonly identity: IdentityResolver,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Optional() @Inject(LoginThrottler) throttler?: LoginThrottler | null,
    @Optional() @Inject(SESSION_OPTIONS) private readonly sessionOptions?: Pick<ResolvedSessionOptions, 'sessionUserAgent'>,
    @Optional() @Inject(IDENTITY_OPTIONS)
    private readonly identityOptions?: Pick<ResolvedIdentityOptions, 'revokeSessionsOnPasswordChange' | 'revokeSessionsOnRoleChange'> &
      Partial<Pick<ResolvedIdentityOptions, 'registration'>>,
    @Optional() @Inject(THROTTLE_RULES) throttleRules?: ScopedThrottleRule[],
    @Optional() @Inject(RouteThrottle) routeThrottle?: RouteThrottle | null,
    @Optional() @Inject(ROUTE_LIMITS) routeLimits?: ResolvedRouteLimits,
  ) {
    this.throttler = throttler ?? new MemoryLoginThrottler(throttleRules ?? resolveThrottleRules(undefined));
    this.routeThrottle = routeThrottle ?? new MemoryRouteThrottle();
    this.routeLimits = routeLimits ?? resolveRouteLimits(undefined);
  }

  /**
   * Self-registration, throttled per ip and per email before any hashing (`TooManyRequestsError`). With
   * `registration.emailTakenResponse: 'conflict'` (default) it starts a session, or throws `EmailTakenError`;
   * with `'generic'` it answers `{ status: 'accepted' }` in both cases and starts no session.
   */
  async register(credentials: Credentials, client: ClientInfo = {}): Promise<TokenPair | RegistrationAccepted> {
    const email = typeof credentials?.email === 'string' ? normalizeEmail(credentials.email) : undefined;
    try {
      await throttleRoute(this.routeThrottle, this.routeLimits, 'register', { ip: clientIpKey(client.ip), email });
    } catch (error) {
      if (error instanceof TooManyRequestsError) this.security.record('registration_throttled', { email, ip: client.ip });
      throw error;
    }
    if (this.identityOptions?.registration?.emailTakenResponse !== 'generic') {
      return this.startSession(await this.identity.register(credentials), client);
    }
    try {
      await this.identity.register(credentials);
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
      this.security.record('registration_email_taken', { email, ip: client.ip });
    }
    return { status: 'accepted' };
  }

  /**
   * Password login, throttled per email+ip, ip and account (`TooManyAttemptsError` while blocked). Failures
   * and refusals are written as security log lines (email hashed).
   */
  async login(credentials: Credentials, client: ClientInfo = {}): Promise<TokenPair> {
    const email = typeof credentials?.email === 'string' ? normalizeEmail(credentials.email) : undefined;
    let user: StoredUser;
    try {
      user = email === undefined
        ? await this.identity.login(credentials)
        : await throttledLogin(this.throttler, { email, ip: client.ip }, () => this.identity.login(credentials));
    } catch (error) {
      if (error instanceof InvalidCredentialsError) this.security.record('login_failed', { email, ip: client.ip });
      else if (error instanceof TooManyAttemptsError) this.security.record('login_throttled', { email, ip: client.ip });
      throw error;
    }
    return this.startSession(user, client);
  }

  /**
   * Creates a session for a user already authenticated by other means (OAuth, magic link...). `user` must be
   * the record as read when the user authenticated: the session is bound to its `credentialVersion`, and
   * refused (`SessionRevokedError`) when the credentials changed since.
   */
  async startSession(user: StoredUser, client: ClientInfo = {}): Promise<TokenPair> {
    const refresh = this.tokens.createRefreshToken(user.id);
    await this.sessions.create({
      userId: user.id,
      sessionId: refresh.sessionId,
      secretHash: refresh.secretHash,
      credentialVersion: credentialVersionOf(user),
      ip: client.ip,
      userAgent: sessionUserAgent(client.userAgent, this.sessionOptions?.sessionUserAgent ?? 'summary'),
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
    // The user is read BEFORE rotating: if that read fails (store down), the presented token stays
    // valid for a retry instead of being consumed by a rotation whose result never reached the client.
    const user = await this.identity.findUser(presented.userId);
    if (!user || user.disabled) {
      await this.sessions.revoke(presented.userId, presented.sessionId);
      throw new RefreshTokenInvalidError();
    }
    const next = this.tokens.nextRefreshToken(presented);
    const result = await this.sessions.rotate({
      userId: presented.userId,
      sessionId: presented.sessionId,
      presentedHash: presented.secretHash,
      nextHash: next.secretHash,
      credentialVersion: credentialVersionOf(user),
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
      case 'stale':
        this.logger.warn(`Refresh of a session older than the user's credentials; session revoked (user ${presented.userId})`);
        throw new RefreshTokenInvalidError();
      default:
        throw new RefreshTokenInvalidError();
    }
    return this.tokenPair(user, presented.sessionId, next.refreshToken);
  }

  /** Ends one session. Idempotent: true when a live session was ended, false when there was none. */
  logout(principal: AuthenticatedUser): Promise<boolean> {
    return this.sessions.revoke(principal.id, principal.sessionId);
  }

  /**
   * Ends the session a refresh token belongs to: logout with the refresh cookie alone (a reloaded page
   * holds no access token). Possession is proved the way a refresh proves it: the token is rotated once,
   * then the session is revoked. An older token of the session ends it as its replay would; a malformed
   * or unknown token ends nothing. Returns true when a session was ended.
   */
  async logoutWithRefreshToken(refreshToken: unknown): Promise<boolean> {
    let presented: ParsedRefreshToken;
    try {
      presented = this.tokens.parseRefreshToken(refreshToken);
    } catch (error) {
      if (error instanceof RefreshTokenInvalidError) return false;
      throw error;
    }
    const result = await this.sessions.rotate({
      userId: presented.userId,
      sessionId: presented.sessionId,
      presentedHash: presented.secretHash,
      nextHash: this.tokens.nextRefreshToken(presented).secretHash,
    });
    if (result.status === 'invalid') return false;
    // 'reused': the store has already deleted the session.
    if (result.status !== 'reused') await this.sessions.revoke(presented.userId, presented.sessionId);
    return true;
  }

  /** Ends every session of the user; returns how many there were. */
  async logoutAll(userId: string): Promise<number> {
    const count = await this.sessions.revokeAll(userId);
    this.security.record('sessions_revoked', { userId, reason: 'logout_all', count });
    return count;
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
    this.security.record('session_revoked', { userId, sessionId, reason: 'revoked_by_user' });
  }

  /**
   * Sets a new password (checked against the password policy; with `currentPassword`, that is verified
   * first) and, unless `revokeSessionsOnPasswordChange` is false, revokes the user's other sessions: pass
   * `keepSessionId` (the caller's `sessionId`) to stay signed in on this device. Returns how many sessions
   * were revoked.
   */
  async changePassword(
    userId: string,
    newPassword: string,
    options: { currentPassword?: string; keepSessionId?: string } = {},
  ): Promise<number> {
    await this.identity.changePassword(userId, newPassword, options.currentPassword);
    const revoke = this.identityOptions?.revokeSessionsOnPasswordChange ?? true;
    const keep = !revoke ? 'all' : options.keepSessionId === undefined ? undefined : { sessionId: options.keepSessionId };
    return this.credentialsChanged(userId, keep);
  }

  /**
   * Replaces the user's roles. The next refresh issues them; with `revokeSessionsOnRoleChange` the user's
   * sessions (except `keepSessionId`) are revoked at once instead. Returns how many sessions were revoked.
   */
  async setRoles(userId: string, roles: string[], options: { keepSessionId?: string } = {}): Promise<number> {
    if (!(await this.identity.findUser(userId))) throw new UserNotFoundError();
    await this.identity.setRoles(userId, roles);
    return this.identityOptions?.revokeSessionsOnRoleChange ? this.revokeOtherSessions(userId, options.keepSessionId) : 0;
  }

  /** Disables (and revokes every session of) a user, or re-enables one. Returns how many sessions were revoked. */
  async setDisabled(userId: string, disabled: boolean): Promise<number> {
    await this.identity.setDisabled(userId, disabled);
    return this.credentialsChanged(userId);
  }

  /**
   * After a change of the user's credentials (the store has incremented the credential version): revokes the
   * sessions (but `keep`) and records the version, atomically, so that no session of an older version, not
   * even one of a login in flight, can be created, refreshed or used afterwards. The version is read after
   * the change, so it is at least the change's own (versions only grow). Returns how many were revoked.
   */
  private async credentialsChanged(userId: string, keep?: { sessionId: string } | 'all'): Promise<number> {
    const user = await this.identity.findUser(userId);
    return this.sessions.revokeAll(userId, { credentialVersion: user ? credentialVersionOf(user) : undefined, keep });
  }

  /** Revokes the user's sessions but `keepSessionId`, in one atomic store call. */
  private revokeOtherSessions(userId: string, keepSessionId?: string): Promise<number> {
    return this.sessions.revokeAll(userId, { keep: keepSessionId === undefined ? undefined : { sessionId: keepSessionId } });
  }

  private tokenPair(user: StoredUser, sessionId: string, refreshToken: string): TokenPair {
    const { accessToken, expiresInSeconds } = this.tokens.signAccessToken({ userId: user.id, sessionId, roles: user.roles });
    return { accessToken, tokenType: 'Bearer', expiresIn: expiresInSeconds, refreshToken, user: publicUser(user) };
  }
}
