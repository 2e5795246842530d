import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientInfo } from '../auth.types';
import { TooManyAttemptsError, UserNotFoundError } from '../errors/auth.errors';
import { AuthEvent, type AuthEventName } from '../events/auth-event.names';
import { type AuthEventInput, AuthEvents } from '../events/auth-events.emitter';
import type { SecurityLog } from '../events/security-log';
import { LoginThrottler } from '../ports/login-throttler.interface';
import { UserStore } from '../ports/user-store.interface';
import { SessionStore } from '../ports/session-store.interface';
import { credentialVersionOf } from '../ports/user-store.interface';
import { throttledLogin } from '../throttling/throttled-login';
import { IDENTITY_OPTIONS, type ResolvedIdentityOptions } from '../users/identity.options';
import { IdentityResolver } from '../users/identity-resolver.service';

export { withoutSecrets } from './session-issuer';

/**
 * Changes to a user's account that end sessions: password, roles, disabled. Independent of HTTP (a custom
 * controller, a GraphQL resolver or an admin script can call it). Signing in is `SignInPipeline` (behind
 * `PasswordSignIn`, `RegistrationService`, `OAuthService`); refresh is `RefreshService`; a user's own sessions
 * are `SessionsService`.
 */
@Injectable()
export class AuthService {
  private get security(): SecurityLog {
    return this.events.security;
  }

  constructor(
    private readonly identity: IdentityResolver,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(LoginThrottler) private readonly throttler: LoginThrottler,
    @Inject(IDENTITY_OPTIONS) private readonly identityOptions: Pick<ResolvedIdentityOptions, 'revokeSessionsOnPasswordChange' | 'revokeSessionsOnRoleChange'>,
    private readonly events: AuthEvents,
    @Inject(UserStore) private readonly users: UserStore,
  ) {}

  /** Emits an event with the client's ip and user agent (a no-op without `EventEmitterModule` and library listeners). */
  emit<K extends AuthEventName>(name: K, payload: Omit<AuthEventInput<K>, 'ip' | 'userAgent'>, client: ClientInfo = {}): void {
    this.events.emitFor(client, name, payload);
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
    const revoke = this.identityOptions.revokeSessionsOnPasswordChange ?? true;
    const keep = !revoke ? 'all' : options.keepSessionId === undefined ? undefined : { sessionId: options.keepSessionId };
    const revokedSessions = await this.credentialsChanged(userId, keep);
    this.emit(AuthEvent.PasswordChanged, { userId, sessionId: options.keepSessionId, revokedSessions }, client);
    return revokedSessions;
  }

  /**
   * Replaces the user's roles. The next refresh issues them; when a role is taken away, or with
   * `revokeSessionsOnRoleChange`, the user's sessions (except `keepSessionId`) are revoked at once instead. Returns how many sessions were revoked.
   */
  async setRoles(userId: string, roles: string[], options: { keepSessionId?: string; actorId?: string; client?: ClientInfo } = {}): Promise<number> {
    const user = await this.identity.findUser(userId);
    if (!user) throw new UserNotFoundError();
    await this.users.setRoles(userId, [...roles]);
    const keep = options.keepSessionId === undefined ? undefined : { sessionId: options.keepSessionId };
    // A role taken away ends the user's sessions whatever `revokeSessionsOnRoleChange` says: tokens carrying it die now.
    const removed = user.roles.some((role) => !roles.includes(role));
    const revoked = this.identityOptions.revokeSessionsOnRoleChange || removed ? await this.sessions.revokeAll(userId, { keep }) : 0;
    this.emit(AuthEvent.RolesChanged, { userId, roles: [...roles], previousRoles: [...user.roles], actorId: options.actorId }, options.client);
    return revoked;
  }

  /**
   * Disables (and revokes every session of) a user, or re-enables one. Returns how many sessions were revoked.
   * Emits `UserDisabled` or `UserEnabled`.
   */
  async setDisabled(userId: string, disabled: boolean, options: { actorId?: string; client?: ClientInfo } = {}): Promise<number> {
    if (!(await this.users.findById(userId))) throw new UserNotFoundError();
    await this.users.setDisabled(userId, disabled);
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
}
