import type { AuthEventMap } from './auth-event.payloads';

/**
 * The names of the events the kernel emits. Each feature declares its own next to its code (`OAuthEvent`,
 * `RecoveryEvent`...) and adds their payloads to `AuthEventMap`; the public `AuthEvent` (lib/auth.events.ts) lists
 * them all.
 */
export const KernelEvent = {
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
  /** A user's roles were replaced. */
  RolesChanged: 'authkit.roles.changed',
  /** A user was disabled (every session ended). */
  UserDisabled: 'authkit.user.disabled',
  /** A disabled user was enabled again. */
  UserEnabled: 'authkit.user.enabled',
  /** An account was deleted (by its owner or an admin), with its identities and sessions. */
  AccountDeleted: 'authkit.account.deleted',
} as const satisfies Record<string, keyof AuthEventMap>;

/**
 * The kernel's events under the name the kernel's services still use (`AuthService` is being split; its events
 * move with it). Not the public `AuthEvent`, which also lists every built-in feature's events.
 */
export const AuthEvent = KernelEvent;

/** The name of an event: one the kernel or a feature declared in `AuthEventMap`. */
export type AuthEventName = keyof AuthEventMap & string;
