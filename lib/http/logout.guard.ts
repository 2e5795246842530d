import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AccessTokenGuard } from '../guards/access-token.guard';
import { readCookie } from './refresh-cookie';

/**
 * Guards `POST <prefix>/logout`: an `Authorization` header is checked exactly as `AccessTokenGuard` does
 * (and decides); without one, a request carrying the refresh cookie passes without a principal, and the
 * controller ends the session that cookie belongs to. So a reloaded page, which holds no access token yet,
 * can log out without refreshing first. The CSRF check on the cookie is the controller's, as for refresh.
 */
@Injectable()
export class LogoutGuard extends AccessTokenGuard {
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = this.getRequest(context);
    const cookieOnly = request.headers.authorization === undefined && this.options.refreshTokenTransport !== 'body' &&
      readCookie(request, this.options.cookie.name) !== undefined;
    return cookieOnly || super.canActivate(context);
  }

  /** The route is `@Public()` for the global guard; this guard is its own check. */
  protected override isPublic(): boolean {
    return false;
  }
}
