import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientInfo, TokenPair } from '../auth.types';
import { EmailUnverifiedError, RefreshTokenInvalidError, RefreshTokenReusedError, RefreshTokenSupersededError } from '../errors/auth.errors';
import { AuthEvent } from '../events/auth-event.names';
import { AuthEvents } from '../events/auth-events.emitter';
import type { SecurityLog } from '../events/security-log';
import { SessionStore } from '../ports/session-store.interface';
import { type StoredUser, UserStore } from '../ports/user-store.interface';
import { type ResolvedAppClaims, SessionIssuer } from '../sign-in/session-issuer';
import { TokenService } from '../tokens/token.service';
import type { ParsedRefreshToken } from '../tokens/token.types';
import { type RefreshRotation, refreshRotation } from './refresh-rotation';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from './session.options';

/** Refresh-token use cases: rotation (`refresh`) and logout with the refresh token alone. */
@Injectable()
export class RefreshService {
  private get security(): SecurityLog {
    return this.events.security;
  }
  private readonly rotation: RefreshRotation;

  constructor(
    private readonly tokens: TokenService,
    private readonly issuer: SessionIssuer,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(UserStore) users: UserStore,
    @Inject(SESSION_OPTIONS) private readonly options: Pick<ResolvedSessionOptions, 'refreshTokenRotation'>,
    private readonly events: AuthEvents,
  ) {
    this.rotation = refreshRotation(sessions, users);
  }

  /**
   * Rotates a refresh token (one atomic store call). A token whose MAC does not verify is
   * `RefreshTokenInvalidError` and touches nothing. Duplicates of one refresh (the previous token again within
   * `reuseWindowMs`: concurrent tabs, a retry after a lost response or a 503) all get the same new refresh token
   * (`refreshTokenRotation: 'idempotent'`, the default) or `RefreshTokenSupersededError` (`'strict'`: exactly
   * one succeeds); the session is kept. After the window, the previous token is still answered with the same
   * new token (both modes) while that new token is unused and `refreshRetryGraceMs` has not passed: a retry of
   * a rotation whose answer was lost. Any other genuine old token revokes the session
   * (`RefreshTokenReusedError`). Re-reads the user, so a deleted or disabled user cannot refresh, a session
   * older than the user's credentials ends, and role changes reach the next access token: in the rotation's own
   * script (one round trip) with the default Redis stores, else before it (see `refreshRotation`). The new
   * access token carries the session's `amr` and `auth_time`, as the rotation returned them. Under
   * `requireVerifiedEmail`, a session of a password account whose email is not verified (one started before the
   * option was on) ends: `EmailUnverifiedError` (403 `email_unverified`), checked on the user the rotation read
   * (no extra round trip unless it ends the session).
   */
  async refresh(refreshToken: unknown, client: ClientInfo = {}): Promise<TokenPair> {
    const presented = this.tokens.parseRefreshToken(refreshToken);
    const next = this.tokens.nextRefreshToken(presented);
    const session = { userId: presented.userId, sessionId: presented.sessionId };
    // With the app's claims function, they are resolved before rotating (the user read first): if the function
    // fails, the presented token stays valid. Without it, the user is read in the rotation's own script.
    let claims: ResolvedAppClaims;
    const resolveClaims = this.issuer.hasAppClaims ? async (user: StoredUser) => void (claims = await this.issuer.appClaims(user)) : undefined;
    const result = await this.rotation({ ...session, presentedHash: presented.secretHash, nextHash: next.secretHash, ip: client.ip }, resolveClaims);
    if ((result.status === 'rotated' || result.status === 'duplicate') && !this.issuer.mayHoldSession(result.user)) {
      await this.sessions.revoke(session.userId, session.sessionId);
      this.security.record('session_revoked', { ...session, ip: client.ip, reason: 'email_unverified' });
      throw new EmailUnverifiedError();
    }
    // A feature's session claims (an organization's roles), read after the rotation: for the session as it is now.
    const sessionClaims = result.status === 'rotated' || result.status === 'duplicate' ? await this.issuer.sessionClaims(result.user, presented.sessionId) : undefined;
    switch (result.status) {
      case 'rotated':
        return this.issuer.tokensFor(result.user, presented.sessionId, result.session, next.refreshToken, claims, sessionClaims);
      case 'duplicate':
        // The same new token as the first of the duplicates got (idempotent), or refused (strict). A late one
        // retries a rotation whose answer was lost (its new token unused): both modes answer it.
        if (this.options.refreshTokenRotation === 'strict' && !result.late) throw new RefreshTokenSupersededError();
        return this.issuer.tokensFor(result.user, presented.sessionId, result.session, next.refreshToken, claims, sessionClaims);
      case 'superseded':
        throw new RefreshTokenSupersededError();
      case 'reused':
        this.security.record('session_revoked', { ...session, ip: client.ip, reason: 'refresh_token_reused' });
        this.events.emitFor(client, AuthEvent.RefreshReused, session);
        throw new RefreshTokenReusedError();
      case 'stale':
        this.security.record('session_revoked', { ...session, ip: client.ip, reason: 'credentials_changed' });
        throw new RefreshTokenInvalidError();
      default:
        throw new RefreshTokenInvalidError();
    }
  }

  /**
   * Ends the session a refresh token belongs to: logout with the refresh cookie alone (a reloaded page
   * holds no access token). Possession is proved the way a refresh proves it: the token is rotated once,
   * then the session is revoked. An older token of the session ends it as its replay would; a malformed
   * or unknown token ends nothing. Returns true when a session was ended. Emits `Logout`.
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
    this.events.emitFor(client, AuthEvent.Logout, { userId: presented.userId, sessionId: presented.sessionId });
    return true;
  }
}
