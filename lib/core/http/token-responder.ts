import { Inject, Injectable } from '@nestjs/common';
import { CrossSiteRequestError, RefreshTokenMissingError, RefreshTokenTransportError, ValidationFailedError } from '../errors/auth.errors';
import type { PublicUser, TokenPair } from '../auth.types';
import type { SignInOutcome } from '../sign-in/sign-in-step';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from './cookie.options';
import { isCrossSite, readCookie } from './cookies';
import { clearedRefreshCookie, refreshCookie } from './refresh-cookie';
import { appendSetCookie, type HttpResponse, setHeader } from './http-response';
import { checkSecureCookieTransport, type TransportRequest } from './secure-cookie.check';

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

/**
 * How every controller hands out tokens: the refresh token as the HttpOnly cookie and/or in the body (per
 * `refreshTokenTransport`), `no-store` caching, and the CSRF check of routes that act on the refresh cookie.
 * A feature's controller that signs someone in injects it and returns `respond(...)`.
 */
@Injectable()
export class TokenResponder {
  constructor(@Inject(COOKIE_OPTIONS) private readonly options: ResolvedCookieOptions) {}

  /**
   * The token response of a sign-in or refresh; sets the refresh cookie unless the transport is `'body'`.
   * `handlerSegments`: how many path segments the handler's route has below the auth prefix (1 for `login`, 2 for
   * `mfa/verify`), so that the cookie's Path is the auth prefix, where `refresh` lives.
   */
  respond(pair: TokenPair, req: TransportRequest, res: HttpResponse, handlerSegments = 1): TokenResponse {
    const { refreshToken, ...response } = pair;
    const transport = this.options.refreshTokenTransport;
    if (transport !== 'body') {
      checkSecureCookieTransport(this.options, req);
      appendSetCookie(res, refreshCookie(this.options, req, refreshToken, handlerSegments));
    }
    setHeader(res, 'Pragma', 'no-cache');
    return transport === 'cookie' ? response : { ...response, refreshToken };
  }

  /** A session's token response, or the challenge's body (no token, no cookie) when a sign-in step suspended the sign-in. */
  respondToSignIn(outcome: SignInOutcome, req: TransportRequest, res: HttpResponse, handlerSegments = 1): TokenResponse | Readonly<Record<string, unknown>> {
    if (outcome.status === 'challenge') return outcome.challenge.body;
    return this.respond(outcome.tokens, req, res, handlerSegments);
  }

  /**
   * The refresh cookie's name as configured (`__Secure-` prefixed when Secure), e.g. for `@nestjs/swagger`:
   * `new DocumentBuilder().addCookieAuth(app.get(TokenResponder).refreshCookieName)`.
   */
  get refreshCookieName(): string {
    return this.options.cookie.name;
  }

  /** The refresh cookie of the request, unless the transport is `'body'`. */
  refreshCookieOf(req: TransportRequest): string | undefined {
    return this.options.refreshTokenTransport === 'body' ? undefined : readCookie(req, this.options.cookie.name);
  }

  /** CSRF defence for routes that act on the refresh cookie: a cross-site request carrying it gets 403. */
  refuseCrossSiteCookie(req: TransportRequest): void {
    if (!this.refreshCookieOf(req)) return;
    if (isCrossSite(req, this.options.allowedOrigins)) throw new CrossSiteRequestError();
  }

  /**
   * The refresh token a refresh presents: the cookie and/or `bodyToken`, per the transport. Refuses two that
   * differ (400), none (401 `refresh_token_missing`; `refresh_token_transport` when only the body carries one under
   * the `'cookie'` transport) and the cookie sent cross-site (403).
   */
  presentedRefreshToken(req: TransportRequest, bodyToken: string | undefined): { token: string; fromCookie: boolean } {
    const fromCookie = this.refreshCookieOf(req);
    const fromBody = this.options.refreshTokenTransport === 'cookie' ? undefined : bodyToken;
    if (fromCookie && fromBody && fromCookie !== fromBody) throw new ValidationFailedError(['refresh token in cookie and body differ']);
    const token = fromBody ?? fromCookie;
    if (!token) throw bodyToken ? new RefreshTokenTransportError() : new RefreshTokenMissingError();
    if (!fromBody && isCrossSite(req, this.options.allowedOrigins)) throw new CrossSiteRequestError();
    checkSecureCookieTransport(this.options, req);
    return { token, fromCookie: !fromBody };
  }

  /** Clears the refresh cookie (unless the transport is `'body'`). */
  clearCookie(req: TransportRequest, res: HttpResponse): void {
    if (this.options.refreshTokenTransport !== 'body') appendSetCookie(res, clearedRefreshCookie(this.options, req));
  }

  /** Logout: clears the refresh cookie and, with `clearSiteDataOnLogout`, asks the browser to drop the domain's cookies. */
  signedOut(req: TransportRequest, res: HttpResponse): void {
    this.clearCookie(req, res);
    if (this.options.clearSiteDataOnLogout) setHeader(res, 'Clear-Site-Data', CLEAR_SITE_DATA);
  }
}
