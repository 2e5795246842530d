import { Body, Delete, Get, Header, HttpCode, HttpStatus, Inject, Param, Post, Req, Res, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { AuthError, SessionRevokedError } from '../errors/auth.errors';
import { RefreshService } from './refresh.service';
import { SessionsService } from './sessions.service';
import type { AuthenticatedUser, PublicUser, SessionView } from '../auth.types';
import { CurrentUser } from '../decorators/current-user.decorator';
import { Public } from '../decorators/public.decorator';
import { AccessTokenGuard } from '../guards/access-token.guard';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from './session.options';
import { AuthExceptionFilter } from '../http/auth-exception.filter';
import { authValidationPipe } from '../http/auth-validation.pipe';
import { JsonContentTypeGuard } from '../http/json-content-type.guard';
import { LogoutGuard } from '../http/logout.guard';
import { RefreshDto } from './sessions.dto';
import type { SecondFactorSummary } from './second-factors';
import type { HttpResponse } from '../http/http-response';
import { type ClientRequest, clientInfo } from '../http/client-info';
import { TokenResponder, type TokenResponse } from '../http/token-responder';
import type { TransportRequest } from '../http/secure-cookie.check';

type HttpRequest = TransportRequest & ClientRequest;

/**
 * Refresh failures after which the presented token can never work again (forged or unknown, session
 * ended, replayed): the refresh cookie is cleared with the error.
 */
const DEAD_REFRESH_TOKEN_CODES: ReadonlySet<string> = new Set([
  'refresh_token_invalid', 'refresh_token_reused', 'refresh_token_revoked', 'refresh_token_expired',
]);

/**
 * The kernel's routes (mounted under the configured prefix, default `auth`): refresh, logout, logout-all,
 * me and the user's sessions. Every way in (the features) ends in a session these routes then serve.
 */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class SessionsController {
  constructor(
    protected readonly refreshes: RefreshService,
    protected readonly userSessions: SessionsService,
    protected readonly responder: TokenResponder,
    @Inject(SESSION_OPTIONS) protected readonly sessionOptions: Pick<ResolvedSessionOptions, 'accessTokenValidation'>,
  ) {}

  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async refresh(@Body() body: RefreshDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse): Promise<TokenResponse> {
    const { token, fromCookie } = this.responder.presentedRefreshToken(req, body?.refreshToken);
    try {
      return this.responder.respond(await this.refreshes.refresh(token, clientInfo(req)), req, res);
    } catch (error) {
      // A cookie that can never work again is removed, so the browser stops sending it for 30 days.
      // Not on `superseded`: the cookie jar may already hold the concurrent winner's new token.
      if (fromCookie && error instanceof AuthError && DEAD_REFRESH_TOKEN_CODES.has(error.code)) this.responder.clearCookie(req, res);
      throw error;
    }
  }

  /**
   * Ends this session: the one of the access token when an `Authorization` header is sent, and the one of the
   * refresh cookie when it is sent (a reloaded page can log out without refreshing first; an expired or stale
   * access token changes nothing for the cookie). Always clears the cookie.
   * With a token, one Redis round trip: `LogoutGuard` verifies only the signature, and the revoke script
   * tells whether the session was live; if not, 401 `session_revoked` (default `'session'` mode), as the
   * session check of any other route would answer, unless the cookie's session ended (204; the cookie is
   * cleared either way).
   */
  @Public()
  @UseGuards(LogoutGuard)
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@CurrentUser() user: AuthenticatedUser | undefined, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse): Promise<void> {
    this.responder.refuseCrossSiteCookie(req);
    const cookie = this.responder.refreshCookieOf(req);
    const stale = user !== undefined && !(await this.userSessions.logout(user, clientInfo(req))) && this.sessionOptions.accessTokenValidation === 'session';
    // The refresh cookie's session ends whatever the access token said (expired, stale, another session).
    const endedByCookie = cookie !== undefined && (await this.refreshes.logoutWithRefreshToken(cookie, clientInfo(req)));
    if (stale && cookie === undefined) throw new SessionRevokedError();
    this.responder.signedOut(req, res);
    if (stale && !endedByCookie) throw new SessionRevokedError(); // the cookie is cleared all the same
  }

  @UseGuards(AccessTokenGuard)
  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logoutAll(@CurrentUser() user: AuthenticatedUser, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse): Promise<void> {
    this.responder.refuseCrossSiteCookie(req);
    await this.userSessions.logoutAll(user.id, { ...clientInfo(req), sessionId: user.sessionId });
    this.responder.signedOut(req, res);
  }

  @UseGuards(AccessTokenGuard)
  @Get('me')
  @Header('Cache-Control', 'no-store')
  async me(@CurrentUser() user: AuthenticatedUser): Promise<PublicUser & { emailVerified: boolean; sessionId: string; amr: string[]; mfa?: SecondFactorSummary }> {
    return { ...(await this.userSessions.me(user)), sessionId: user.sessionId, amr: [...(user.amr ?? [])] };
  }

  @UseGuards(AccessTokenGuard)
  @Get('sessions')
  @Header('Cache-Control', 'no-store')
  sessions(@CurrentUser() user: AuthenticatedUser): Promise<SessionView[]> {
    return this.userSessions.listSessions(user);
  }

  @UseGuards(AccessTokenGuard)
  @Delete('sessions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeSession(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Req() req: HttpRequest): Promise<void> {
    await this.userSessions.revokeSession(user.id, id, clientInfo(req));
  }
}
