/** The authenticated principal the guard puts on `request.user` (see `@CurrentUser()`). */
export interface AuthenticatedUser {
  id: string;
  sessionId: string;
  roles: string[];
  /** The email in the access token (absent for a user without one). */
  email?: string;
  /** The app's claims (`claims` option) from the access token; `{}` without. */
  claims?: Readonly<Record<string, unknown>>;
  /**
   * How the user signed in for this session (the token's `amr`: `['pwd']` for a password or a registration,
   * `['oauth']` for an OAuth provider); `[]` for tokens issued before the claim existed.
   */
  amr?: string[];
  /** When the user authenticated for this session (the token's `auth_time`), epoch ms; absent in older tokens. */
  authTime?: number;
  /**
   * What authenticated the request: absent (or `'session'`) for an access token; `'api_key'` for an API key
   * (`id` is then the key's owner, `sessionId` is `''`, and `apiKey` says which key and its scopes).
   */
  type?: 'session' | 'api_key';
  /** The API key of an `'api_key'` principal: its id and scopes (`roles` are the owner's, narrowed by them). */
  apiKey?: { id: string; scopes: string[] };
}

/** Where a request comes from; recorded on the session. */
export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

/** The public part of a user in token responses and `GET /auth/me`. */
export interface PublicUser {
  id: string;
  /** `null` for an OAuth-created user whose provider did not verify an email. */
  email: string | null;
  roles: string[];
}

/** The result of login, registration and refresh. The HTTP layer decides where `refreshToken` goes. */
export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  user: PublicUser;
}

/** A session as listed to its owner (`GET /auth/sessions`). Times are ISO-8601. */
export interface SessionView {
  id: string;
  current: boolean;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  /** How the session signed in, or last stepped up (RFC 8176 values: `pwd`, `oauth`, `otp`, `mfa`...). */
  amr: string[];
  /** When the session last proved the user (sign-in or step-up): the access token's `auth_time`, as an ISO date. */
  authTime: string;
}
