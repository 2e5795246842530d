/**
 * What every event carries. Never a secret: no password, token, hash or key, only identifiers and the
 * client's address.
 */
export interface AuthEventBase {
  /** Epoch milliseconds when the event happened. */
  at: number;
  /** The user concerned (absent only when a failed login or a throttle names no known user). */
  userId?: string;
  /** The session concerned, when there is one. */
  sessionId?: string;
  /** The client's ip (`req.ip`), when the event comes from a request. */
  ip?: string;
  /** The client's user agent as received (truncated to 256 characters), when the event comes from a request. */
  userAgent?: string;
  /** Who did it, when that is another user than `userId` (an admin). */
  actorId?: string;
}

/** An event that always concerns a known user. */
export interface UserEvent extends AuthEventBase {
  userId: string;
}

/** A user event tied to one session. */
export interface SessionEvent extends UserEvent {
  sessionId: string;
}

export interface RegisteredEvent extends SessionEvent {
  method: 'password' | 'oauth' | 'passkey' | 'magic_link';
  /** The OAuth provider, for `method: 'oauth'`. */
  provider?: string;
}

export interface LoginSucceededEvent extends SessionEvent {
  method: 'password' | 'oauth' | 'passkey' | 'magic_link';
  provider?: string;
}

export interface LoginFailedEvent extends AuthEventBase {
  /** The error code: `invalid_credentials`, `user_disabled`, `email_unverified`, or a hook's code. */
  reason: string;
  /** The normalised email that was tried (never the password). */
  email?: string;
}

export interface ThrottledEvent extends AuthEventBase {
  /**
   * What was throttled: `login`, `password_change`, `account_deletion`..., or a limited route in snake case
   * (`register`, `oauth_start`, `password_forgot`, `email_verification`, `password_reset`, `email_verify`).
   */
  action: string;
  retryAfterSeconds: number;
  email?: string;
}

export type LogoutEvent = SessionEvent;

export interface LogoutAllEvent extends UserEvent {
  /** How many sessions ended. */
  revoked: number;
}

export type RefreshReusedEvent = SessionEvent;

export interface SessionRevokedEvent extends SessionEvent {
  /** `user`: the owner revoked one of their sessions; `admin`; `password_change`... */
  reason: string;
}

export interface PasswordChangedEvent extends UserEvent {
  /** How many of the user's sessions were ended. */
  revokedSessions: number;
}

export interface RolesChangedEvent extends UserEvent {
  roles: string[];
  previousRoles: string[];
}

export interface UserDisabledEvent extends UserEvent {
  revokedSessions: number;
}

export type UserEnabledEvent = UserEvent;

export type AccountDeletedEvent = UserEvent;

/**
 * The payload of each event, by name: open, so `AuthEvents.emit(name, payload)` is type-checked for every event.
 * The kernel declares its own here (their names: `KernelEvent`); a feature adds its events next to its code by
 * declaration merging:
 *
 * ```ts
 * declare module '../../core/events/auth-event.payloads' {
 *   interface AuthEventMap { 'authkit.identity.linked': IdentityEvent }
 * }
 * ```
 */
export interface AuthEventMap {
  'authkit.user.registered': RegisteredEvent;
  'authkit.login.succeeded': LoginSucceededEvent;
  'authkit.login.failed': LoginFailedEvent;
  'authkit.throttled': ThrottledEvent;
  'authkit.logout': LogoutEvent;
  'authkit.logout.all': LogoutAllEvent;
  'authkit.refresh.reused': RefreshReusedEvent;
  'authkit.session.revoked': SessionRevokedEvent;
  'authkit.password.changed': PasswordChangedEvent;
  'authkit.roles.changed': RolesChangedEvent;
  'authkit.user.disabled': UserDisabledEvent;
  'authkit.user.enabled': UserEnabledEvent;
  'authkit.account.deleted': AccountDeletedEvent;
}

/** The payload type of each event name (`AuthEventMap`, under its earlier name). */
export type AuthEventPayloads = AuthEventMap;
