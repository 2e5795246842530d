import { type ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenGuard } from '../guards/access-token.guard';
import type { ResolvedSessionOptions } from '../sessions/session.options';
import { SessionStore } from '../ports/session-store.interface';
import { TokenService } from '../tokens/token.service';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from './cookie.options';
import { readCookie } from './cookies';

/** The guard's own check: the signature and claims of the access token, never a session read. */
const SIGNATURE_ONLY: Pick<ResolvedSessionOptions, 'accessTokenValidation'> = { accessTokenValidation: 'stateless' };

/**
 * Guards `POST <prefix>/logout`: an `Authorization` header decides, its access token verified as
 * `AccessTokenGuard` verifies it but without the session read, since the revoke that follows checks the
 * session itself in the same round trip (the controller answers 401 `session_revoked` when there was no live
 * session to end, in the default `'session'` mode). Without the header, a request carrying the refresh cookie
 * passes without a principal, and the controller ends the session that cookie belongs to. So a reloaded page,
 * which holds no access token yet, can log out without refreshing first. With the cookie, an access token that
 * does not verify (expired, most often) is ignored the same way: logout never depends on the access token. The CSRF check on the cookie is the
 * controller's, as for refresh.
 */
@Injectable()
export class LogoutGuard extends AccessTokenGuard {
  constructor(
    reflector: Reflector,
    tokens: TokenService,
    @Inject(SessionStore) sessions: SessionStore,
    @Inject(COOKIE_OPTIONS) private readonly cookies: ResolvedCookieOptions,
  ) {
    super(reflector, tokens, sessions, SIGNATURE_ONLY);
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = this.getRequest(context);
    const hasCookie = this.cookies.refreshTokenTransport !== 'body' && readCookie(request, this.cookies.cookie.name) !== undefined;
    if (!hasCookie) return super.canActivate(context);
    if (request.headers.authorization === undefined) return true;
    // Logout never depends on the access token: with the refresh cookie, a token that no longer verifies
    // (expired, signed by a retired key, forged) only means there is no principal; the cookie's session still ends.
    try {
      return super.canActivate(context) as boolean; // signature only: answered synchronously
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      request.user = undefined;
      return true;
    }
  }

  /** The route is `@Public()` for the global guard; this guard is its own check. */
  protected override isPublic(): boolean {
    return false;
  }
}
