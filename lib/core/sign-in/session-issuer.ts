import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ClientInfo, PublicUser, TokenPair } from '../auth.types';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../options/account.options';
import { AMR_VALUES, MAX_AMR_VALUES, type SessionAuthentication, SessionStore } from '../ports/session-store.interface';
import { type AuthUser, credentialVersionOf, type StoredUser } from '../ports/user-store.interface';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../sessions/session.options';
import { sessionUserAgent } from '../sessions/user-agent';
import { checkAppClaims } from '../tokens/app-claims';
import { TokenService } from '../tokens/token.service';
import { mustVerifyEmailFirst } from './sign-in.steps';
import { type ResolvedSessionClaims, SESSION_CLAIMS, type SessionClaimsSource } from '../sessions/session-claims';
import { SESSION_VERSIONS, type SessionVersions } from '../ports/session-versions.interface';

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
    @Optional() @Inject(SESSION_CLAIMS) private readonly sessionClaimsSource?: SessionClaimsSource | null,
    @Optional() @Inject(SESSION_VERSIONS) private readonly versions?: SessionVersions | null,
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

  /**
   * The token pair of an existing session (after a rotation): the access token carries the session's amr and auth
   * time, and its session claims (`sessionClaims`) when given.
   */
  tokensFor(
    user: StoredUser, sessionId: string, session: SessionAuthentication, refreshToken: string, claims?: ResolvedAppClaims,
    sessionClaims?: ResolvedSessionClaims,
  ): TokenPair {
    return { ...this.accessTokenFor(user, sessionId, session, claims, sessionClaims), refreshToken };
  }

  /**
   * A new access token for an existing session (no new refresh token): what a refresh signs, and what a feature
   * answers when the session's claims changed at its user's request (the organizations feature's `POST
   * /auth/orgs/active`).
   */
  accessTokenFor(
    user: StoredUser, sessionId: string, session: SessionAuthentication, claims?: ResolvedAppClaims, sessionClaims?: ResolvedSessionClaims,
  ): Omit<TokenPair, 'refreshToken'> {
    const { accessToken, expiresInSeconds } = this.tokens.signAccessToken({
      userId: user.id, sessionId, roles: user.roles, email: user.email, claims: withSessionClaims(claims, this.sessionClaimsSource, sessionClaims),
      amr: session.amr, authTime: session.authTime, claimsVersion: sessionClaims?.claims ? sessionClaims.version : undefined,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: expiresInSeconds, user: publicUser(user) };
  }

  /**
   * The session's claims from the `SESSION_CLAIMS` feature, if any: its context, then the user's claims version, then
   * the claims (see `SessionClaimsSource`); undefined without such a feature.
   */
  async sessionClaims(user: StoredUser, sessionId: string): Promise<ResolvedSessionClaims | undefined> {
    const source = this.sessionClaimsSource;
    if (!source) return undefined;
    const context = await source.contextOf(user, sessionId);
    if (context === null) return { names: source.names };
    const version = this.versions ? await this.versions.current(user.id) : undefined;
    const claims = await source.claimsFor(user, sessionId, context);
    return { names: source.names, claims: claims && Object.keys(claims).length > 0 ? claims : undefined, version };
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

/** The app's claims without the names the session-claims feature owns, then that feature's claims. */
function withSessionClaims(
  app: ResolvedAppClaims, source: SessionClaimsSource | null | undefined, session: ResolvedSessionClaims | undefined,
): ResolvedAppClaims {
  if (!source || source.names.length === 0) return app;
  const merged: Record<string, unknown> = { ...app };
  for (const name of source.names) delete merged[name];
  return session?.claims ? { ...merged, ...session.claims } : merged;
}

function checkedAmr(amr: readonly string[]): string[] {
  if (!Array.isArray(amr) || amr.length === 0 || amr.length > MAX_AMR_VALUES || amr.some((value) => !AMR_VALUES.includes(value))) {
    throw new TypeError(`nestjs-authkit: a sign-in's amr must be 1 to ${MAX_AMR_VALUES} of: ${AMR_VALUES.join(', ')}`);
  }
  return [...new Set(amr)];
}
