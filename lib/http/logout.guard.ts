import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenGuard } from '../guards/access-token.guard';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../sessions/session.options';
import { SessionStore } from '../sessions/session-store.interface';
import { TokenService } from '../tokens/token.service';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from './cookie.options';
import { readCookie } from './cookies';

/**
 * Guards `POST <prefix>/logout`: an `Authorization` header is checked exactly as `AccessTokenGuard` does
 * (and decides); without one, a request carrying the refresh cookie passes without a principal, and the
 * controller ends the session that cookie belongs to. So a reloaded page, which holds no access token yet,
 * can log out without refreshing first. The CSRF check on the cookie is the controller's, as for refresh.
 */
@Injectable()
export class LogoutGuard extends AccessTokenGuard {
  constructor(
    reflector: Reflector,
    tokens: TokenService,
    @Inject(SessionStore) sessions: SessionStore,
    @Inject(SESSION_OPTIONS) sessionOptions: Pick<ResolvedSessionOptions, 'accessTokenValidation'>,
    @Inject(COOKIE_OPTIONS) private readonly cookies: ResolvedCookieOptions,
  ) {
    super(reflector, tokens, sessions, sessionOptions);
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = this.getRequest(context);
    const cookieOnly = request.headers.authorization === undefined && this.cookies.refreshTokenTransport !== 'body' &&
      readCookie(request, this.cookies.cookie.name) !== undefined;
    return cookieOnly || super.canActivate(context);
  }

  /** The route is `@Public()` for the global guard; this guard is its own check. */
  protected override isPublic(): boolean {
    return false;
  }
}
