/**
 * The names of the events the library emits (through `@nestjs/event-emitter` when the app registered
 * `EventEmitterModule`). Subscribe with `@OnEvent(AuthEvent.LoginFailed)`, or to all of them with
 * `@OnEvent('authkit.**')` (wildcards on).
 *
 * @example
 * ```ts
 * @OnEvent(AuthEvent.RefreshReused)
 * onTheft(event: AuthEventPayloads[typeof AuthEvent.RefreshReused]) { this.alerts.send(event.userId); }
 * ```
 */
export const AuthEvent = {
  /** A user registered (self-registration). */
  Registered: 'authkit.user.registered',
  /** A password (or OAuth) login succeeded and a session started. */
  LoginSucceeded: 'authkit.login.succeeded',
  /** A login failed; `reason` is the error code. The password is never part of it. */
  LoginFailed: 'authkit.login.failed',
  /** A request was refused by a throttle (login, forgot-password, password change...). */
  Throttled: 'authkit.throttled',
  /** One session ended by its owner. */
  Logout: 'authkit.logout',
  /** Every session of a user ended by its owner. */
  LogoutAll: 'authkit.logout.all',
  /** An old refresh token was replayed: treated as theft, the session was revoked. */
  RefreshReused: 'authkit.refresh.reused',
  /** A session was revoked by something else than a logout (`DELETE /auth/sessions/:id`, an admin). */
  SessionRevoked: 'authkit.session.revoked',
  /** The user changed their password (knowing the current one). */
  PasswordChanged: 'authkit.password.changed',
  /** A password was reset with a one-time token. */
  PasswordReset: 'authkit.password.reset',
  /** The user's email was verified with a one-time token. */
  EmailVerified: 'authkit.email.verified',
  /** An OAuth identity was linked to a user. */
  IdentityLinked: 'authkit.identity.linked',
  /** An OAuth identity was unlinked from a user. */
  IdentityUnlinked: 'authkit.identity.unlinked',
  /** A user's roles were replaced. */
  RolesChanged: 'authkit.roles.changed',
  /** A user was disabled (every session ended). */
  UserDisabled: 'authkit.user.disabled',
  /** A disabled user was enabled again. */
  UserEnabled: 'authkit.user.enabled',
  /** An account was deleted (by its owner or an admin), with its identities and sessions. */
  AccountDeleted: 'authkit.account.deleted',
} as const;

/** One of the `AuthEvent` names. */
export type AuthEventName = (typeof AuthEvent)[keyof typeof AuthEvent];

/** Every event name, for listeners that want them all. */
export const AUTH_EVENT_NAMES: readonly AuthEventName[] = Object.freeze(Object.values(AuthEvent));
