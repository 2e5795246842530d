import { Inject, Injectable } from '@nestjs/common';
import type { ClientInfo, PublicUser, TokenPair } from '../auth.types';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../options/account.options';
import { AMR_VALUES, MAX_AMR_VALUES, type SessionAuthentication, SessionStore } from '../ports/session-store.interface';
import { type AuthUser, credentialVersionOf, type StoredUser } from '../ports/user-store.interface';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../sessions/session.options';
import { sessionUserAgent } from '../sessions/user-agent';
import { checkAppClaims } from '../tokens/app-claims';
import { TokenService } from '../tokens/token.service';
import { mustVerifyEmailFirst } from './sign-in.steps';

/** A user without its password hash: what hooks, steps and the `claims` function get. */
export function withoutSecrets(user: StoredUser): AuthUser {
  const { passwordHash: _omitted, ...rest } = user;
  return structuredClone(rest);
}

/** The public part of a user, as token responses and `GET /auth/me` show it. */
export function publicUser(user: StoredUser): PublicUser {
  return { id: user.id, email: user.email, roles: [...user.roles] };
}

/** What the app's `claims` function returned, checked; undefined without the option. */
export type ResolvedAppClaims = Readonly<Record<string, unknown>> | undefined;

/** A session just created, and its token pair. */
export interface IssuedSession {
  sessionId: string;
  tokens: TokenPair;
}

/**
 * The only code that creates a session: `SignInPipeline` calls it once every sign-in step has passed. It also
 * builds the token pair of an existing session (`tokensFor`, used by refreshes), so every access token carries
 * the session's `amr` and `auth_time`. Internal: apps sign users in through `SignInPipeline`.
 */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly tokens: TokenService,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(SESSION_OPTIONS) private readonly sessionOptions: Pick<ResolvedSessionOptions, 'sessionUserAgent'>,
    @Inject(ACCOUNT_OPTIONS) private readonly account: Pick<ResolvedAccountOptions, 'claims' | 'requireVerifiedEmail'>,
  ) {}

  /**
   * Creates a session for `user` (the record as read when they authenticated: the session is bound to its
   * credential version and refused, `SessionRevokedError`, when the credentials changed since) recording how
   * they signed in (`amr`: 1 to 4 values of `AMR_VALUES`, else a `TypeError`) and when (`authTime`, default now).
   */
  async issue(user: StoredUser, authentication: { amr: readonly string[]; authTime?: number }, client: ClientInfo = {}): Promise<IssuedSession> {
    const amr = checkedAmr(authentication.amr);
    // The app's claims first: if its function fails, no session is left behind.
    const claims = await this.appClaims(user);
    const refresh = this.tokens.createRefreshToken(user.id);
    const session = await this.sessions.create({
      userId: user.id,
      sessionId: refresh.sessionId,
      secretHash: refresh.secretHash,
      credentialVersion: credentialVersionOf(user),
      amr,
      authTime: authentication.authTime,
      ip: client.ip,
      userAgent: sessionUserAgent(client.userAgent, this.sessionOptions.sessionUserAgent ?? 'summary'),
    });
    const recorded = { amr: session.amr ?? amr, authTime: session.authTime ?? session.createdAt };
    return { sessionId: refresh.sessionId, tokens: this.tokensFor(user, refresh.sessionId, recorded, refresh.refreshToken, claims) };
  }

  /** The token pair of an existing session (after a rotation): the access token carries the session's amr and auth time. */
  tokensFor(user: StoredUser, sessionId: string, session: SessionAuthentication, refreshToken: string, claims?: ResolvedAppClaims): TokenPair {
    const { accessToken, expiresInSeconds } = this.tokens.signAccessToken({
      userId: user.id, sessionId, roles: user.roles, email: user.email, claims, amr: session.amr, authTime: session.authTime,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: expiresInSeconds, refreshToken, user: publicUser(user) };
  }

  /** Whether `user` may keep a session: false for a password account with an unverified email under `requireVerifiedEmail`. */
  mayHoldSession(user: StoredUser): boolean {
    return !mustVerifyEmailFirst(this.account, user, Boolean(user.passwordHash));
  }

  /** Whether the app has a `claims` function (a refresh then reads the user before rotating, see `RefreshService`). */
  get hasAppClaims(): boolean {
    return Boolean(this.account.claims);
  }

  /** The app's claims for the user (`claims` option), checked (reserved names, declared names, size). */
  async appClaims(user: StoredUser): Promise<ResolvedAppClaims> {
    const claims = this.account.claims;
    if (!claims) return undefined;
    return checkAppClaims(await claims.resolve(withoutSecrets(user)), claims.maxBytes, claims.names ?? undefined);
  }
}

function checkedAmr(amr: readonly string[]): string[] {
  if (!Array.isArray(amr) || amr.length === 0 || amr.length > MAX_AMR_VALUES || amr.some((value) => !AMR_VALUES.includes(value))) {
    throw new TypeError(`nestjs-authkit: a sign-in's amr must be 1 to ${MAX_AMR_VALUES} of: ${AMR_VALUES.join(', ')}`);
  }
  return [...new Set(amr)];
}
