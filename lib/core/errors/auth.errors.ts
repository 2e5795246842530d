/**
 * Every failure the library reports is an `AuthError` with a stable, machine-readable `code` and the HTTP status
 * it answers with (`httpStatus`, declared by each class next to its code: a feature's errors bring their own, no
 * central table). Services throw these; only the HTTP layer turns them into responses (`core/errors/auth-http-status.ts`).
 *
 * @example
 * ```ts
 * try { await auth.refresh(token); }
 * catch (e) { if (e instanceof AuthError && e.code === 'refresh_token_reused') alertUser(); }
 * ```
 */
export class AuthError extends Error {
  static readonly code: string = 'auth_error';
  /** The HTTP status of the answer (401 unless the class says otherwise). */
  static readonly httpStatus: number = 401;
  /** The message of an error created without one (each subclass says its own). */
  static readonly defaultMessage: string = 'Authentication failed';
  readonly code: string;

  constructor(message?: string, options?: { cause?: unknown }) {
    const type = new.target as typeof AuthError;
    super(message ?? type.defaultMessage, options);
    this.name = type.name;
    this.code = type.code;
  }

  /** The HTTP status this error answers with: its class's `httpStatus`. */
  get httpStatus(): number {
    return (this.constructor as typeof AuthError).httpStatus;
  }
}

/** Request body failed validation. `details` lists the offending fields, never their values. */
export class ValidationFailedError extends AuthError {
  static override readonly code = 'validation_failed';
  static override readonly httpStatus = 400;
  constructor(readonly details: string[] = []) {
    super(details.length ? `Invalid request: ${details.join('; ')}` : 'Invalid request');
  }
}

/** Unknown email or wrong password; the same error for both so that emails cannot be probed. */
export class InvalidCredentialsError extends AuthError {
  static override readonly code = 'invalid_credentials';
  static override readonly defaultMessage = 'Invalid email or password';
}

export class EmailTakenError extends AuthError {
  static override readonly code = 'email_taken';
  static override readonly httpStatus = 409;
  static override readonly defaultMessage = 'An account with this email already exists';
}

export class RegistrationDisabledError extends AuthError {
  static override readonly code = 'registration_disabled';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'Self-registration is disabled';
}

export class UserDisabledError extends AuthError {
  static override readonly code = 'user_disabled';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'This account is disabled';
}

export class AccessTokenMissingError extends AuthError {
  static override readonly code = 'access_token_missing';
  static override readonly defaultMessage = 'An access token is required';
}

export class AccessTokenInvalidError extends AuthError {
  static override readonly code = 'access_token_invalid';
  static override readonly defaultMessage = 'The access token is invalid';
  constructor(options?: { cause?: unknown }) {
    super(undefined, options);
  }
}

export class AccessTokenExpiredError extends AuthError {
  static override readonly code = 'access_token_expired';
  static override readonly defaultMessage = 'The access token has expired';
}

/** The access token is well-formed and signed, but its session has been revoked or has expired. */
export class SessionRevokedError extends AuthError {
  static override readonly code = 'session_revoked';
  static override readonly defaultMessage = 'The session has ended';
}

/**
 * The access token carries claims that changed since it was signed (an organization's roles, a removal: its claims
 * version is not the user's any more, see `SessionVersions`). Refresh for a token with the current claims.
 */
export class AccessTokenStaleError extends AuthError {
  static override readonly code = 'access_token_stale';
  static override readonly defaultMessage = 'The access token is out of date; refresh it';
}

export class RefreshTokenMissingError extends AuthError {
  static override readonly code = 'refresh_token_missing';
  static override readonly defaultMessage = 'A refresh token is required';
}

/**
 * A refresh token in the body while `refreshTokenTransport` is `'cookie'`: the body is not read (a token script can
 * read from the body could be stolen by it); send the cookie, or configure `'body'` / `'both'`. 401 like a missing token.
 */
export class RefreshTokenTransportError extends AuthError {
  static override readonly code = 'refresh_token_transport';
  static override readonly defaultMessage = "The refresh token must be sent as the cookie (refreshTokenTransport is 'cookie')";
}

/** Malformed refresh token, or no session for it (expired, logged out, revoked). */
export class RefreshTokenInvalidError extends AuthError {
  static override readonly code = 'refresh_token_invalid';
  static override readonly defaultMessage = 'The refresh token is invalid';
}

/**
 * The immediately previous refresh token was presented within `reuseWindowMs` of its rotation:
 * a concurrent duplicate (two tabs, a retry). The session stays alive; the client should use the
 * token the winning request received.
 */
export class RefreshTokenSupersededError extends AuthError {
  static override readonly code = 'refresh_token_superseded';
  static override readonly defaultMessage = 'The refresh token has already been rotated';
}

/** An already-rotated refresh token was replayed: treated as theft, the whole session is revoked. */
export class RefreshTokenReusedError extends AuthError {
  static override readonly code = 'refresh_token_reused';
  static override readonly defaultMessage = 'The refresh token was reused; the session has been revoked';
}

export class InsufficientRoleError extends AuthError {
  static override readonly code = 'insufficient_role';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'You do not have the role this action requires';
}

export class SessionNotFoundError extends AuthError {
  static override readonly code = 'session_not_found';
  static override readonly httpStatus = 404;
  static override readonly defaultMessage = 'Session not found';
}

/** A cookie-borne request came from an origin that is not allowed (CSRF defence). */
export class CrossSiteRequestError extends AuthError {
  static override readonly code = 'cross_site_request';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'Cross-site request refused';
}

/** The session or user store (Redis) cannot be reached in time. Requests fail closed. */
export class StoreUnavailableError extends AuthError {
  static override readonly code: string = 'store_unavailable';
  static override readonly httpStatus = 503;
  static override readonly defaultMessage: string = 'The authentication store is unavailable; try again shortly';
  constructor(options?: { cause?: unknown }) {
    super(undefined, options);
  }
}

/**
 * The store refused a write for want of memory (Redis at `maxmemory` with `noeviction`: an `OOM` reply). A kind of
 * `StoreUnavailableError` (the request fails closed with 503 and `Retry-After`), with its own code so that the
 * client and the operator see the store is full, not down.
 */
export class StoreFullError extends StoreUnavailableError {
  static override readonly code = 'store_full';
  static override readonly defaultMessage = 'The authentication store is full; try again later';
}

/**
 * Too many failed logins for this email and client, this client, or this account: wait `retryAfterSeconds`
 * (sent as `Retry-After`). The attempt was refused before any password check.
 */
export class TooManyAttemptsError extends AuthError {
  static override readonly code = 'too_many_attempts';
  static override readonly httpStatus = 429;
  readonly retryAfterSeconds: number;
  static override readonly defaultMessage = 'Too many failed attempts; try again later';
  constructor(retryAfterMs: number) {
    super();
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}

/**
 * Too many requests to a throttled route (registration, OAuth start...) from this client or for this subject:
 * wait `retryAfterSeconds` (sent as `Retry-After`). Nothing was done.
 */
export class TooManyRequestsError extends AuthError {
  static override readonly code = 'too_many_requests';
  static override readonly httpStatus = 429;
  readonly retryAfterSeconds: number;
  static override readonly defaultMessage = 'Too many requests; try again later';
  constructor(retryAfterMs: number) {
    super();
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}

/** The server is at capacity for this kind of work (e.g. the password-hashing queue is full): retry shortly (503). */
export class ServiceBusyError extends AuthError {
  static override readonly code = 'busy';
  static override readonly httpStatus = 503;
  static override readonly defaultMessage = 'The server is busy; try again shortly';
}

/**
 * `passwordPolicy.breached` with `onUnavailable: 'refuse'`: the breached-password service did not answer in time,
 * so a new password could not be checked (503; nothing was changed).
 */
export class BreachCheckUnavailableError extends AuthError {
  static override readonly code = 'breach_check_unavailable';
  static override readonly httpStatus = 503;
  static override readonly defaultMessage = 'The new password could not be checked right now; try again shortly';
}

/** A new password was refused by the password policy (too short, too common, the email itself, or breached). */
export class WeakPasswordError extends AuthError {
  static override readonly code = 'weak_password';
  static override readonly httpStatus = 400;
  constructor(readonly reason: 'too_short' | 'too_common' | 'contains_email' | 'breached', message: string) {
    super(message);
  }
}

/** Login, registration and refresh accept `application/json` bodies only (this also blocks login CSRF by form). */
export class UnsupportedMediaTypeError extends AuthError {
  static override readonly code = 'unsupported_media_type';
  static override readonly httpStatus = 415;
  static override readonly defaultMessage = 'Content-Type must be application/json';
}

/** No user with this id (account administration: password, role and status changes). */
export class UserNotFoundError extends AuthError {
  static override readonly code = 'user_not_found';
  static override readonly httpStatus = 404;
  static override readonly defaultMessage = 'User not found';
}

/** A one-time token (password reset, email verification) is unknown, malformed, expired, already used or replaced. */
export class OneTimeTokenInvalidError extends AuthError {
  static override readonly code = 'token_invalid';
  static override readonly httpStatus = 400;
  static override readonly defaultMessage = 'The link is invalid or has expired; ask for a new one';
}

/** `requireVerifiedEmail`: the password was right, but the account's email is not verified yet. */
export class EmailUnverifiedError extends AuthError {
  static override readonly code = 'email_unverified';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'Verify your email address first; a new verification mail can be requested';
}

/**
 * The action needs a recent sign-in: linking a provider (`oauth.linkMaxAuthAgeSeconds`), deleting an account
 * that has no password (`accountDeletion.recentLoginSeconds`). Sign in again, then retry.
 */
export class ReauthenticationRequiredError extends AuthError {
  static override readonly code = 'reauthentication_required';
  constructor(message = 'Sign in again, then retry') {
    super(message);
  }
}

/**
 * Thrown by an app's hook (`hooks.beforeRegister`, `beforeLogin`, `beforeOAuthLink`) to refuse: the `code`
 * and `message` reach the client with `status` (default 403).
 *
 * @example
 * ```ts
 * hooks: { beforeRegister: ({ email }) => { if (!email.endsWith('@acme.com')) throw new AuthRejectedError('domain_not_allowed', 'Use your company email'); } }
 * ```
 */
export class AuthRejectedError extends AuthError {
  static override readonly code = 'rejected';
  override readonly code: string;

  constructor(code: string, message = 'Refused', readonly status = 403) {
    super(message);
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(code)) throw new TypeError('AuthRejectedError: code must be snake_case (a-z, 0-9, _), at most 64 characters');
    if (!Number.isInteger(status) || status < 400 || status > 499) throw new TypeError('AuthRejectedError: status must be a 4xx status');
    this.code = code;
  }

  override get httpStatus(): number {
    return this.status;
  }
}
