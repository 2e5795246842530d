import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  AuthError, EmailTakenError, EmailUnverifiedError, InvalidCredentialsError, RefreshTokenInvalidError, RefreshTokenReusedError,
  RefreshTokenSupersededError, SessionNotFoundError, SessionRevokedError, TooManyAttemptsError, TooManyRequestsError, UserNotFoundError,
} from '../errors/auth.errors';
import { AuthEvent } from '../events/auth-event.names';
import { type AuthEventInput, AuthEvents } from '../events/auth-events.emitter';
import type { AuthEventName } from '../events/auth-event.names';
import { checkAppClaims } from '../tokens/app-claims';
import { AccountMailer } from '../../features/recovery/account.mailer';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../options/account.options';
import type { AuthUser } from '../ports/user-store.interface';
import type { AuthenticatedUser, ClientInfo, PublicUser, SessionView, TokenPair } from '../auth.types';
import { IDENTITY_OPTIONS, type ResolvedIdentityOptions } from '../users/identity.options';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../sessions/session.options';
import { normalizeEmail } from '../users/email';
import { type Credentials, IdentityResolver } from '../users/identity-resolver.service';
import { LoginThrottler } from '../ports/login-throttler.interface';
import { MemoryLoginThrottler } from '../../adapters/memory/memory-login.throttler';
import { throttledLogin } from '../throttling/throttled-login';
import { resolveThrottleRules, THROTTLE_RULES } from '../throttling/throttle.options';
import type { ScopedThrottleRule } from '../ports/login-throttler.interface';
import { credentialVersionOf, type StoredUser } from '../ports/user-store.interface';
import { SessionStore } from '../ports/session-store.interface';
import { TokenService } from '../tokens/token.service';
import type { ParsedRefreshToken } from '../tokens/token.types';
import { sessionUserAgent } from '../sessions/user-agent';
import { clientIpKey } from '../throttling/client-ip';
import { MemoryRouteThrottle } from '../../adapters/memory/memory-route.throttle';
import { RouteThrottle } from '../ports/route-throttle.interface';
import { type ResolvedRouteLimits, resolveRouteLimits, ROUTE_LIMITS } from '../throttling/throttle.options';
import { throttleRoute } from '../throttling/throttled-route';
import { SecurityLog } from '../events/security-log';
import { type RefreshRotation, refreshRotation } from '../sessions/refresh-rotation';

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

/** A user without its password hash: what hooks and the `claims` function get. */
export function withoutSecrets(user: StoredUser): AuthUser {
  const { passwordHash: _omitted, ...rest } = user;
  return structuredClone(rest);
}



/**
 * The authentication use cases, independent of HTTP: what the controllers call, and what a
 * GraphQL resolver or a custom controller can call.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('AuthKit');

  private readonly throttler: LoginThrottler;
  private readonly routeThrottle: RouteThrottle;
  private readonly routeLimits: ResolvedRouteLimits;
  private readonly security: SecurityLog;
  private rotation?: RefreshRotation;

  constructor(
    private readonly tokens: TokenService,
    private readonly identity: IdentityResolver,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Optional() @Inject(LoginThrottler) throttler?: LoginThrottler | null,
    @Optional() @Inject(SESSION_OPTIONS)
    private readonly sessionOptions?: Partial<Pick<ResolvedSessionOptions, 'sessionUserAgent' | 'refreshTokenRotation'>>,
    @Optional() @Inject(IDENTITY_OPTIONS)
    private readonly identityOptions?: Pick<ResolvedIdentityOptions, 'revokeSessionsOnPasswordChange' | 'revokeSessionsOnRoleChange'> &
      Partial<Pick<ResolvedIdentityOptions, 'registration'>>,
    @Optional() @Inject(THROTTLE_RULES) throttleRules?: ScopedThrottleRule[],
    @Optional() @Inject(RouteThrottle) routeThrottle?: RouteThrottle | null,
    @Optional() @Inject(ROUTE_LIMITS) routeLimits?: ResolvedRouteLimits,
    @Optional() private readonly events?: AuthEvents,
    @Optional() @Inject(ACCOUNT_OPTIONS) private readonly account?: ResolvedAccountOptions,
    @Optional() private readonly registrationMailer?: AccountMailer,
  ) {
    this.security = new SecurityLog(this.logger, tokens.logPseudonymKey);
    this.throttler = throttler ?? new MemoryLoginThrottler(throttleRules ?? resolveThrottleRules(undefined));
    this.routeThrottle = routeThrottle ?? new MemoryRouteThrottle();
    this.routeLimits = routeLimits ?? resolveRouteLimits(undefined);
  }

  /**
   * Self-registration, throttled per ip and per email before any hashing (`TooManyRequestsError`), then
   * `hooks.beforeRegister`, then the user (with the validated `registrationFields` as `profile`). With
   * `registration.emailTakenResponse: 'conflict'` (default) it starts a session, or throws `EmailTakenError`;
   * with `'generic'` it answers `{ status: 'accepted' }` in both cases and starts no session. Emits
   * `Registered` and, when on, mails a verification link.
   */
  async register(
    credentials: Credentials, client: ClientInfo = {}, fields: Record<string, unknown> = {},
  ): Promise<TokenPair | RegistrationAccepted> {
    const email = typeof credentials?.email === 'string' ? normalizeEmail(credentials.email) : undefined;
    try {
      await throttleRoute(this.routeThrottle, this.routeLimits, 'register', { ip: clientIpKey(client.ip), email });
    } catch (error) {
      if (error instanceof TooManyRequestsError) {
        this.security.record('registration_throttled', { email, ip: client.ip });
        this.emit(AuthEvent.Throttled, { action: 'register', retryAfterSeconds: error.retryAfterSeconds, email }, client);
      }
      throw error;
    }
    const beforeRegister = this.account?.hooks.beforeRegister;
    if (beforeRegister && email !== undefined) await beforeRegister({ email, fields: structuredClone(fields), client: { ...client } });
    const profile = Object.keys(fields).length > 0 ? fields : undefined;
    if (this.identityOptions?.registration?.emailTakenResponse !== 'generic') {
      const user = await this.identity.register(credentials, profile);
      const pair = await this.startSession(user, client);
      this.registered(user, this.sessionIdOf(pair), client);
      return pair;
    }
    try {
      this.registered(await this.identity.register(credentials, profile), undefined, client);
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
      this.security.record('registration_email_taken', { email, ip: client.ip });
    }
    return { status: 'accepted' };
  }

  private registered(user: StoredUser, sessionId: string | undefined, client: ClientInfo): void {
    this.emit(AuthEvent.Registered, { userId: user.id, sessionId: sessionId as string, method: 'password' }, client);
    this.registrationMailer?.sendVerificationOnRegister(user);
  }

  /**
   * Password login, throttled per email+ip, ip and account (`TooManyAttemptsError` while blocked). With
   * `requireVerifiedEmail`, an unverified account gets `EmailUnverifiedError` after the password check.
   * `hooks.beforeLogin` runs before the session starts. Failures and refusals are written as security log
   * lines (email hashed) and emitted as `LoginFailed` / `Throttled`; a success as `LoginSucceeded`.
   */
  async login(credentials: Credentials, client: ClientInfo = {}): Promise<TokenPair> {
    const email = typeof credentials?.email === 'string' ? normalizeEmail(credentials.email) : undefined;
    let user: StoredUser | undefined;
    try {
      // The user's lookup rides in the throttle check's round trip; it is only used once the check allows.
      const lookup = email === undefined ? undefined : this.identity.prefetchLoginUser(credentials.email);
      user = email === undefined
        ? await this.identity.login(credentials)
        : await throttledLogin(this.throttler, { email, ip: client.ip }, () => this.identity.login(credentials, lookup));
      if (this.account?.requireVerifiedEmail && user.passwordHash && !user.emailVerified) throw new EmailUnverifiedError();
      await this.account?.hooks.beforeLogin?.({ user: withoutSecrets(user), method: 'password', client: { ...client } });
    } catch (error) {
      if (error instanceof InvalidCredentialsError) this.security.record('login_failed', { email, ip: client.ip });
      else if (error instanceof TooManyAttemptsError) this.security.record('login_throttled', { email, ip: client.ip });
      this.loginRefused(error, email, user?.id, client);
      throw error;
    }
    const pair = await this.startSession(user, client);
    this.emit(AuthEvent.LoginSucceeded, { userId: user.id, sessionId: this.sessionIdOf(pair), method: 'password' }, client);
    return pair;
  }

  /** Emits `Throttled` or `LoginFailed` for a refused login (bad input and store failures emit nothing). */
  private loginRefused(error: unknown, email: string | undefined, userId: string | undefined, client: ClientInfo): void {
    if (error instanceof TooManyAttemptsError) {
      this.emit(AuthEvent.Throttled, { action: 'login', retryAfterSeconds: error.retryAfterSeconds, email, userId }, client);
    } else if (error instanceof AuthError && error.code !== 'validation_failed' && error.code !== 'store_unavailable') {
      this.emit(AuthEvent.LoginFailed, { reason: error.code, email, userId }, client);
    }
  }

  /**
   * Runs `hooks.beforeLogin` for a user signed in by other means (OAuth): call before `startSession`.
   * Emits `LoginFailed` when the hook refuses.
   */
  async beforeLogin(user: StoredUser, method: 'password' | 'oauth', client: ClientInfo = {}, provider?: string): Promise<void> {
    const hook = this.account?.hooks.beforeLogin;
    if (!hook) return;
    try {
      await hook({ user: withoutSecrets(user), method, provider, client: { ...client } });
    } catch (error) {
      this.loginRefused(error, user.email ?? undefined, user.id, client);
      throw error;
    }
  }

  /** Emits an event with the client's ip and user agent (a no-op without `EventEmitterModule`). */
  emit<K extends AuthEventName>(name: K, payload: Omit<AuthEventInput<K>, 'ip' | 'userAgent'>, client: ClientInfo = {}): void {
    this.events?.emit(name, { ...payload, ip: client.ip, userAgent: client.userAgent } as AuthEventInput<K>);
  }

  /** The session id of a token pair this service issued. */
  sessionIdOf(pair: TokenPair): string {
    return this.tokens.parseRefreshToken(pair.refreshToken).sessionId;
  }

  /**
   * Creates a session for a user already authenticated by other means (OAuth, magic link...). `user` must be
   * the record as read when the user authenticated: the session is bound to its `credentialVersion`, and
   * refused (`SessionRevokedError`) when the credentials changed since.
   */
  async startSession(user: StoredUser, client: ClientInfo = {}): Promise<TokenPair> {
    // The app's claims first: if its function fails, no session is left behind.
    const claims = await this.appClaims(user);
    const refresh = this.tokens.createRefreshToken(user.id);
    await this.sessions.create({
      userId: user.id,
      sessionId: refresh.sessionId,
      secretHash: refresh.secretHash,
      credentialVersion: credentialVersionOf(user),
      ip: client.ip,
      userAgent: sessionUserAgent(client.userAgent, this.sessionOptions?.sessionUserAgent ?? 'summary'),
    });
    return this.tokenPair(user, refresh.sessionId, refresh.refreshToken, claims);
  }

  /**
   * Rotates a refresh token (one atomic store call). A token whose MAC does not verify is
   * `RefreshTokenInvalidError` and touches nothing. Duplicates of one refresh (the previous token again within
   * `reuseWindowMs`: concurrent tabs, a retry after a lost response or a 503) all get the same new refresh token
   * (`refreshTokenRotation: 'idempotent'`, the default) or `RefreshTokenSupersededError` (`'strict'`: exactly
   * one succeeds); the session is kept. Any other genuine old token revokes the session
   * (`RefreshTokenReusedError`). Re-reads the user, so a deleted or disabled user cannot refresh, a session
   * older than the user's credentials ends, and role changes reach the next access token: in the rotation's own
   * script (one round trip) with the default Redis stores, else before it (see `refreshRotation`).
   */
  async refresh(refreshToken: unknown, client: ClientInfo = {}): Promise<TokenPair> {
    const presented = this.tokens.parseRefreshToken(refreshToken);
    const next = this.tokens.nextRefreshToken(presented);
    const session = { userId: presented.userId, sessionId: presented.sessionId };
    this.rotation ??= refreshRotation(this.sessions, this.identity.userStore);
    // With the app's claims function, they are resolved before rotating (the user read first): if the function
    // fails, the presented token stays valid. Without it, the user is read in the rotation's own script.
    let claims: Awaited<ReturnType<AuthService['appClaims']>>;
    const resolveClaims = this.account?.claims ? async (user: StoredUser) => void (claims = await this.appClaims(user)) : undefined;
    const result = await this.rotation({ ...session, presentedHash: presented.secretHash, nextHash: next.secretHash, ip: client.ip }, resolveClaims);
    switch (result.status) {
      case 'rotated':
        return this.tokenPair(result.user, presented.sessionId, next.refreshToken, claims);
      case 'duplicate':
        if (this.sessionOptions?.refreshTokenRotation === 'strict') throw new RefreshTokenSupersededError();
        return this.tokenPair(result.user, presented.sessionId, next.refreshToken, claims);
      case 'superseded':
        throw new RefreshTokenSupersededError();
      case 'reused':
        this.security.record('session_revoked', { ...session, ip: client.ip, reason: 'refresh_token_reused' });
        this.emit(AuthEvent.RefreshReused, { userId: presented.userId, sessionId: presented.sessionId }, client);
        throw new RefreshTokenReusedError();
      case 'stale':
        this.security.record('session_revoked', { ...session, ip: client.ip, reason: 'credentials_changed' });
        throw new RefreshTokenInvalidError();
      default:
        throw new RefreshTokenInvalidError();
    }
  }

  /** Ends one session. Idempotent: true when a live session was ended, false when there was none. Emits `Logout` when one ended. */
  async logout(principal: AuthenticatedUser, client: ClientInfo = {}): Promise<boolean> {
    const ended = await this.sessions.revoke(principal.id, principal.sessionId);
    if (ended) this.emit(AuthEvent.Logout, { userId: principal.id, sessionId: principal.sessionId }, client);
    return ended;
  }

  /**
   * Ends the session a refresh token belongs to: logout with the refresh cookie alone (a reloaded page
   * holds no access token). Possession is proved the way a refresh proves it: the token is rotated once,
   * then the session is revoked. An older token of the session ends it as its replay would; a malformed
   * or unknown token ends nothing. Returns true when a session was ended.
   */
  async logoutWithRefreshToken(refreshToken: unknown, client: ClientInfo = {}): Promise<boolean> {
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
    this.emit(AuthEvent.Logout, { userId: presented.userId, sessionId: presented.sessionId }, client);
    return true;
  }

  /** Ends every session of the user; returns how many there were. Emits `LogoutAll`. */
  async logoutAll(userId: string, client: ClientInfo & { sessionId?: string } = {}): Promise<number> {
    const revoked = await this.sessions.revokeAll(userId);
    this.security.record('sessions_revoked', { userId, reason: 'logout_all', count: revoked });
    this.emit(AuthEvent.LogoutAll, { userId, sessionId: client.sessionId, revoked }, client);
    return revoked;
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

  /** Revokes one of the user's sessions; another user's session id is simply not found. Emits `SessionRevoked`. */
  async revokeSession(userId: string, sessionId: string, client: ClientInfo & { reason?: string; actorId?: string } = {}): Promise<void> {
    if (!(await this.sessions.revoke(userId, sessionId))) throw new SessionNotFoundError();
    this.security.record('session_revoked', { userId, sessionId, reason: client.reason === 'admin' ? 'revoked_by_admin' : 'revoked_by_user' });
    this.emit(AuthEvent.SessionRevoked, { userId, sessionId, reason: client.reason ?? 'user', actorId: client.actorId }, client);
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
    options: { currentPassword?: string; keepSessionId?: string; client?: ClientInfo } = {},
  ): Promise<number> {
    const client = options.client ?? {};
    if (options.currentPassword === undefined) {
      await this.identity.changePassword(userId, newPassword);
    } else {
      // A wrong current password is a password guess: counted by the login throttler like a failed login.
      const user = await this.identity.findUser(userId);
      if (!user) throw new UserNotFoundError();
      const attempt = { email: user.email ?? `id:${userId}`, ip: client.ip };
      try {
        await throttledLogin(this.throttler, attempt, () => this.identity.changePassword(userId, newPassword, options.currentPassword));
      } catch (error) {
        if (error instanceof TooManyAttemptsError) {
          this.emit(AuthEvent.Throttled, { action: 'password_change', retryAfterSeconds: error.retryAfterSeconds, userId }, client);
        }
        throw error;
      }
    }
    const revoke = this.identityOptions?.revokeSessionsOnPasswordChange ?? true;
    const keep = !revoke ? 'all' : options.keepSessionId === undefined ? undefined : { sessionId: options.keepSessionId };
    const revokedSessions = await this.credentialsChanged(userId, keep);
    this.emit(AuthEvent.PasswordChanged, { userId, sessionId: options.keepSessionId, revokedSessions }, client);
    return revokedSessions;
  }

  /**
   * Replaces the user's roles. The next refresh issues them; with `revokeSessionsOnRoleChange` the user's
   * sessions (except `keepSessionId`) are revoked at once instead. Returns how many sessions were revoked.
   */
  async setRoles(userId: string, roles: string[], options: { keepSessionId?: string; actorId?: string; client?: ClientInfo } = {}): Promise<number> {
    const user = await this.identity.findUser(userId);
    if (!user) throw new UserNotFoundError();
    await this.identity.setRoles(userId, roles);
    const revoked = this.identityOptions?.revokeSessionsOnRoleChange ? await this.revokeOtherSessions(userId, options.keepSessionId) : 0;
    this.emit(AuthEvent.RolesChanged, { userId, roles: [...roles], previousRoles: [...user.roles], actorId: options.actorId }, options.client);
    return revoked;
  }

  /**
   * Disables (and revokes every session of) a user, or re-enables one. Returns how many sessions were revoked.
   * Emits `UserDisabled` or `UserEnabled`.
   */
  async setDisabled(userId: string, disabled: boolean, options: { actorId?: string; client?: ClientInfo } = {}): Promise<number> {
    await this.identity.setDisabled(userId, disabled);
    const revokedSessions = await this.credentialsChanged(userId);
    if (disabled) this.emit(AuthEvent.UserDisabled, { userId, revokedSessions, actorId: options.actorId }, options.client);
    else this.emit(AuthEvent.UserEnabled, { userId, actorId: options.actorId }, options.client);
    return revokedSessions;
  }

  /**
   * After a change of the user's credentials (the store has incremented the credential version): revokes the
   * sessions (but `keep`) and records the version, atomically, so that no session of an older version, not
   * even one of a login in flight, can be created, refreshed or used afterwards. The version is read after
   * the change, so it is at least the change's own (versions only grow). Returns how many were revoked.
   */
  private async credentialsChanged(userId: string, keep?: { sessionId: string } | 'all'): Promise<number> {
    const user = await this.identity.findUser(userId);
    const count = await this.sessions.revokeAll(userId, { credentialVersion: user ? credentialVersionOf(user) : undefined, keep });
    if (count > 0) this.security.record('sessions_revoked', { userId, reason: 'credentials_changed', count });
    return count;
  }

  /** Revokes the user's sessions but `keepSessionId`, in one atomic store call. */
  private revokeOtherSessions(userId: string, keepSessionId?: string): Promise<number> {
    return this.sessions.revokeAll(userId, { keep: keepSessionId === undefined ? undefined : { sessionId: keepSessionId } });
  }

  private tokenPair(user: StoredUser, sessionId: string, refreshToken: string, claims?: Readonly<Record<string, unknown>>): TokenPair {
    const { accessToken, expiresInSeconds } = this.tokens.signAccessToken({
      userId: user.id, sessionId, roles: user.roles, email: user.email, claims,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: expiresInSeconds, refreshToken, user: publicUser(user) };
  }

  /** The app's claims for the user (`claims` option), checked (reserved names, declared names, size). */
  private async appClaims(user: StoredUser): Promise<Readonly<Record<string, unknown>> | undefined> {
    const claims = this.account?.claims;
    if (!claims) return undefined;
    return checkAppClaims(await claims.resolve(withoutSecrets(user)), claims.maxBytes, claims.names ?? undefined);
  }
}
