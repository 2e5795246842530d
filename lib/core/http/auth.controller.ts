import {
  Body, Delete, Get, Header, HttpCode, HttpStatus, Inject, Param, Post, Req, Res, UseFilters, UseGuards, UsePipes,
} from '@nestjs/common';
import { AuthError, CrossSiteRequestError, RefreshTokenMissingError, SessionRevokedError, ValidationFailedError } from '../errors/auth.errors';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from './cookie.options';
import { RefreshService } from '../sessions/refresh.service';
import { SessionsService } from '../sessions/sessions.service';
import type { SignInOutcome } from '../sign-in/sign-in-step';
import { PasswordSignIn } from '../../features/password/password-sign-in';
import { type RegistrationAccepted, RegistrationService } from '../../features/password/registration.service';
import type { AuthenticatedUser, ClientInfo, PublicUser, SessionView, TokenPair } from '../auth.types';
import { CurrentUser } from '../decorators/current-user.decorator';
import { Public } from '../decorators/public.decorator';
import { AccessTokenGuard } from '../guards/access-token.guard';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../sessions/session.options';
import { AuthExceptionFilter } from './auth-exception.filter';
import { AuthValidationPipe } from './auth-validation.pipe';
import { JsonContentTypeGuard } from './json-content-type.guard';
import { LogoutGuard } from './logout.guard';
import { checkSecureCookieTransport, type TransportRequest } from './secure-cookie.check';
import { CredentialsDto, LoginDto, RefreshDto } from './auth.dto';
import { isCrossSite, readCookie } from './cookies';
import { clearedRefreshCookie, refreshCookie } from './refresh-cookie';
import { appendSetCookie, type HttpResponse, setHeader } from './http-response';
import { type RegistrationBody, RegistrationBodyPipe } from '../../features/password/registration-body.pipe';
import { clientInfo } from './client-info';

interface HttpRequest extends TransportRequest {
  ip?: string;
}

/**
 * Refresh failures after which the presented token can never work again (forged or unknown, session
 * ended, replayed): the refresh cookie is cleared with the error.
 */
const DEAD_REFRESH_TOKEN_CODES: ReadonlySet<string> = new Set([
  'refresh_token_invalid', 'refresh_token_reused', 'refresh_token_revoked', 'refresh_token_expired',
]);

/** The JSON body of login, registration and refresh responses. */
export interface TokenResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: PublicUser;
  /** Present when `refreshTokenTransport` is `'body'` or `'both'`. */
  refreshToken?: string;
}

/**
 * Sent by logout and logout-all: the browser drops this site's cookies (the refresh cookie included, whatever
 * its path). Not `"storage"`: that would also wipe the app's localStorage/IndexedDB (drafts, settings, offline
 * data), which an auth library has no business deleting; an app that keeps tokens there clears them itself.
 */
const CLEAR_SITE_DATA = '"cookies"';

export const authValidationPipe = new AuthValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) =>
    new ValidationFailedError(
      errors.flatMap((e) => (e.constraints ? Object.values(e.constraints) : [`${e.property} is invalid`])),
    ),
});

/**
 * The HTTP routes of DESIGN section 5 (mounted under the configured prefix, default `auth`).
 * Thin: the use cases are `PasswordSignIn`, `RegistrationService`, `RefreshService` and `SessionsService`.
 */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class AuthController {
  constructor(
    protected readonly passwordSignIn: PasswordSignIn,
    protected readonly registration: RegistrationService,
    protected readonly refreshes: RefreshService,
    protected readonly userSessions: SessionsService,
    @Inject(COOKIE_OPTIONS) protected readonly options: ResolvedCookieOptions,
    @Inject(SESSION_OPTIONS) protected readonly sessionOptions: Pick<ResolvedSessionOptions, 'accessTokenValidation'>,
  ) {}

  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  @Header('Cache-Control', 'no-store')
  async register(
    @Body(RegistrationBodyPipe) body: RegistrationBody, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TokenResponse | RegistrationAccepted | Readonly<Record<string, unknown>>> {
    const result = await this.registration.register(body.credentials, this.client(req), body.fields);
    if ('tokens' in result || 'challenge' in result) return this.respondToSignIn(result, req, res);
    res.status?.(HttpStatus.ACCEPTED); // registration.emailTakenResponse 'generic': the same answer, taken email or not
    return result;
  }

  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async login(
    @Body() body: LoginDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TokenResponse | Readonly<Record<string, unknown>>> {
    return this.respondToSignIn(await this.passwordSignIn.login(body, this.client(req)), req, res);
  }

  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async refresh(@Body() body: RefreshDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse): Promise<TokenResponse> {
    const transport = this.options.refreshTokenTransport;
    const fromCookie = transport === 'body' ? undefined : readCookie(req, this.options.cookie.name);
    const fromBody = transport === 'cookie' ? undefined : body?.refreshToken;
    if (fromCookie && fromBody && fromCookie !== fromBody) {
      throw new ValidationFailedError(['refresh token in cookie and body differ']);
    }
    const token = fromBody ?? fromCookie;
    if (!token) throw new RefreshTokenMissingError();
    if (!fromBody && isCrossSite(req, this.options.allowedOrigins)) throw new CrossSiteRequestError();
    this.checkSecureCookieTransport(req);
    try {
      return this.respond(await this.refreshes.refresh(token, this.client(req)), req, res);
    } catch (error) {
      // A cookie that can never work again is removed, so the browser stops sending it for 30 days.
      // Not on `superseded`: the cookie jar may already hold the concurrent winner's new token.
      if (!fromBody && error instanceof AuthError && DEAD_REFRESH_TOKEN_CODES.has(error.code)) this.clearCookie(req, res);
      throw error;
    }
  }

  /**
   * Ends this session: the one of the access token when an `Authorization` header is sent, else the one
   * of the refresh cookie (a reloaded page can log out without refreshing first). Clears the cookie.
   * With a token, one Redis round trip: `LogoutGuard` verifies only the signature, and the revoke script
   * tells whether the session was live; if not, 401 `session_revoked` (default `'session'` mode), as the
   * session check of any other route would answer.
   */
  @Public()
  @UseGuards(LogoutGuard)
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@CurrentUser() user: AuthenticatedUser | undefined, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse): Promise<void> {
    this.refuseCrossSiteCookie(req);
    if (user) {
      const ended = await this.userSessions.logout(user, this.client(req));
      if (!ended && this.sessionOptions.accessTokenValidation === 'session') throw new SessionRevokedError();
    } else await this.refreshes.logoutWithRefreshToken(readCookie(req, this.options.cookie.name), this.client(req));
    this.clearCookie(req, res);
    setHeader(res, 'Clear-Site-Data', CLEAR_SITE_DATA);
  }

  @UseGuards(AccessTokenGuard)
  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logoutAll(@CurrentUser() user: AuthenticatedUser, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse): Promise<void> {
    this.refuseCrossSiteCookie(req);
    await this.userSessions.logoutAll(user.id, { ...this.client(req), sessionId: user.sessionId });
    this.clearCookie(req, res);
    setHeader(res, 'Clear-Site-Data', CLEAR_SITE_DATA);
  }

  @UseGuards(AccessTokenGuard)
  @Get('me')
  @Header('Cache-Control', 'no-store')
  async me(@CurrentUser() user: AuthenticatedUser): Promise<PublicUser & { sessionId: string; amr: string[] }> {
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
    await this.userSessions.revokeSession(user.id, id, this.client(req));
  }

  protected client(req: HttpRequest): ClientInfo {
    return clientInfo(req);
  }

  /** A session's token response, or the challenge's body (no token, no cookie) when a sign-in step suspended the sign-in. */
  protected respondToSignIn(outcome: SignInOutcome, req: HttpRequest, res: HttpResponse): TokenResponse | Readonly<Record<string, unknown>> {
    if (outcome.status === 'challenge') return outcome.challenge.body;
    return this.respond(outcome.tokens, req, res);
  }

  protected respond(pair: TokenPair, req: HttpRequest, res: HttpResponse): TokenResponse {
    const { refreshToken, ...response } = pair;
    const transport = this.options.refreshTokenTransport;
    if (transport !== 'body') {
      this.checkSecureCookieTransport(req);
      this.appendCookie(res, refreshCookie(this.options, req, refreshToken));
    }
    setHeader(res, 'Pragma', 'no-cache');
    return transport === 'cookie' ? response : { ...response, refreshToken };
  }

  /** CSRF defence for routes that act on the refresh cookie: a cross-site request carrying it gets 403. */
  protected refuseCrossSiteCookie(req: HttpRequest): void {
    if (this.options.refreshTokenTransport === 'body' || !readCookie(req, this.options.cookie.name)) return;
    if (isCrossSite(req, this.options.allowedOrigins)) throw new CrossSiteRequestError();
  }

  /** Logs once when browsers will drop the Secure refresh cookie (plain http to a host that is not loopback). */
  protected checkSecureCookieTransport(req: HttpRequest): void {
    checkSecureCookieTransport(this.options, req);
  }

  protected clearCookie(req: HttpRequest, res: HttpResponse): void {
    if (this.options.refreshTokenTransport !== 'body') this.appendCookie(res, clearedRefreshCookie(this.options, req));
  }

  private appendCookie(res: HttpResponse, cookie: string): void {
    appendSetCookie(res, cookie);
  }
}
