import { Delete, Get, Header, HttpCode, HttpStatus, Inject, Logger, Next, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthError } from '../../core/errors/auth.errors';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from '../../core/http/cookie.options';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { Public } from '../../core/decorators/public.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { refreshCookie } from '../../core/http/refresh-cookie';
import type { CookieRequest } from '../../core/http/cookies';
import { checkSecureCookieTransport, type TransportRequest } from '../../core/http/secure-cookie.check';
import { OAuthIdentityResolver } from './oauth-identity.service';
import { RANDOM_TOKEN_PATTERN } from './pkce';
import {
  clearedOAuthStateCookie, clearedOAuthStateCookieNamed, MAX_PENDING_OAUTH_PER_BROWSER, oauthStateCookie, pendingOAuthStateCookieNames,
  readOAuthStateCookie,
} from './oauth-cookie';
import { OAuthIdentityNotFoundError, OAuthProviderNotConfiguredError } from './oauth.errors';
import { OAUTH_OPTIONS, type ResolvedOAuthOptions } from './oauth.options';
import { OAUTH_SOURCE_NAME_PATTERN } from './passport-oauth.options';
import { type OAuthAuthorization, OAuthService } from './oauth.service';
import { clientInfo } from '../../core/http/client-info';

/** Express's `next`; unused by other adapters. */
type NextFunction = (error?: unknown) => void;

interface OAuthHttpRequest extends TransportRequest {
  ip?: string;
}

/** A linked identity as listed to its owner (`GET /auth/identities`). */
export interface IdentityView {
  provider: string;
  email: string | null;
  emailVerified: boolean;
  /** ISO-8601. */
  linkedAt: string;
}

/** Appends `name=value` to the query of an absolute URL or a site path. */
function withQuery(target: string, name: string, value: string): string {
  const hash = target.indexOf('#');
  const base = hash >= 0 ? target.slice(0, hash) : target;
  const fragment = hash >= 0 ? target.slice(hash) : '';
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}${encodeURIComponent(name)}=${encodeURIComponent(value)}${fragment}`;
}

/**
 * OAuth routes (DESIGN section 5), mounted under the auth prefix next to `AuthController`:
 * `GET <provider>` (302 to the provider), `GET <provider>/callback` (302 to the success URL with the
 * refresh cookie set, or to the failure URL with `?error=<code>` / a JSON error), `GET <provider>/link`
 * (signed in; 302, or 200 `{ authorizationUrl }` when the client accepts JSON), `GET identities`,
 * `DELETE identities/:provider`. An unconfigured provider answers 404. No token ever travels in a URL.
 */
@UseFilters(AuthExceptionFilter)
export class OAuthController {
  private readonly logger = new Logger('AuthKit');

  constructor(
    protected readonly oauth: OAuthService,
    protected readonly identities: OAuthIdentityResolver,
    protected readonly adapterHost: HttpAdapterHost,
    @Inject(COOKIE_OPTIONS) protected readonly options: ResolvedCookieOptions,
    @Inject(OAUTH_OPTIONS) protected readonly oauthOptions: ResolvedOAuthOptions,
  ) {}

  @Public()
  @Get('google')
  google(@Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.start('google', req, res);
  }

  @Public()
  @Get('google/callback')
  googleCallback(@Query() query: Record<string, unknown>, @Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.callback('google', query, req, res);
  }

  @UseGuards(AccessTokenGuard)
  @Get('google/link')
  googleLink(@CurrentUser() user: AuthenticatedUser, @Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.start('google', req, res, user);
  }

  @Public()
  @Get('github')
  github(@Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.start('github', req, res);
  }

  @Public()
  @Get('github/callback')
  githubCallback(@Query() query: Record<string, unknown>, @Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.callback('github', query, req, res);
  }

  @UseGuards(AccessTokenGuard)
  @Get('github/link')
  githubLink(@CurrentUser() user: AuthenticatedUser, @Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.start('github', req, res, user);
  }

  @UseGuards(AccessTokenGuard)
  @Get('identities')
  @Header('Cache-Control', 'no-store')
  async listIdentities(@CurrentUser() user: AuthenticatedUser): Promise<IdentityView[]> {
    const identities = await this.identities.listIdentities(user.id);
    return identities.map((i) => ({
      provider: i.provider, email: i.email, emailVerified: i.emailVerified, linkedAt: new Date(i.linkedAt).toISOString(),
    }));
  }

  @UseGuards(AccessTokenGuard)
  @Delete('identities/:provider')
  @HttpCode(HttpStatus.NO_CONTENT)
  async unlinkIdentity(@CurrentUser() user: AuthenticatedUser, @Param('provider') provider: string): Promise<void> {
    if (!OAUTH_SOURCE_NAME_PATTERN.test(provider)) throw new OAuthIdentityNotFoundError();
    await this.identities.unlink(user.id, provider);
  }

  // Passport sources under the app's names. Declared last, so that every fixed route above (and of AuthController,
  // mounted first) wins; a name that is not a configured source is passed on to the app's later routes (Express) or
  // answers 404 (other adapters route fixed paths before parameters anyway).

  @Public()
  @Get(':provider')
  source(@Param('provider') provider: string, @Req() req: OAuthHttpRequest, @Res() res: unknown, @Next() next: NextFunction): Promise<void> | void {
    if (!this.oauth.isConfigured(provider)) return this.passOn(next);
    return this.start(provider, req, res);
  }

  @Public()
  @Get(':provider/callback')
  sourceCallback(
    @Param('provider') provider: string, @Query() query: Record<string, unknown>, @Req() req: OAuthHttpRequest, @Res() res: unknown, @Next() next: NextFunction,
  ): Promise<void> | void {
    if (!this.oauth.isConfigured(provider)) return this.passOn(next);
    return this.callback(provider, query, req, res);
  }

  @UseGuards(AccessTokenGuard)
  @Get(':provider/link')
  sourceLink(
    @Param('provider') provider: string, @CurrentUser() user: AuthenticatedUser, @Req() req: OAuthHttpRequest, @Res() res: unknown, @Next() next: NextFunction,
  ): Promise<void> | void {
    if (!this.oauth.isConfigured(provider)) return this.passOn(next);
    return this.start(provider, req, res, user);
  }

  /** An unknown source name: the next matching route of the app (Express), else 404. */
  private passOn(next: NextFunction): void {
    if (this.adapterHost.httpAdapter.getType() === 'express' && typeof next === 'function') return next();
    throw new OAuthProviderNotConfiguredError();
  }

  protected async start(provider: string, req: OAuthHttpRequest, res: unknown, principal?: AuthenticatedUser): Promise<void> {
    const json = principal !== undefined && this.acceptsJson(req);
    let authorization: OAuthAuthorization;
    try {
      authorization = await this.oauth.begin(provider, principal, this.client(req));
    } catch (error) {
      // A browser navigation (not a JSON call) that fails (store down...) lands on the failure page too.
      const failureRedirect = this.oauthOptions.failureRedirect;
      if (json || !failureRedirect || !this.oauth.isConfigured(provider)) throw error;
      this.noStore(res);
      this.adapterHost.httpAdapter.redirect(res, HttpStatus.FOUND, this.failureTarget(failureRedirect, error));
      return;
    }
    const { authorizationUrl, state, bindingSecret, ttlSeconds } = authorization;
    this.noStore(res);
    // At most MAX_PENDING_OAUTH_PER_BROWSER pending authorizations per browser and provider: beyond, the earlier ones are dropped.
    const pending = pendingOAuthStateCookieNames(this.options, req, provider);
    if (pending.length >= MAX_PENDING_OAUTH_PER_BROWSER) {
      for (const name of pending) this.appendCookie(res, clearedOAuthStateCookieNamed(this.options, req, provider, name));
    }
    this.appendCookie(res, oauthStateCookie(this.options, req, provider, state, bindingSecret, ttlSeconds));
    const adapter = this.adapterHost.httpAdapter;
    if (json) adapter.reply(res, { authorizationUrl }, HttpStatus.OK);
    else adapter.redirect(res, HttpStatus.FOUND, authorizationUrl);
  }

  protected async callback(provider: string, query: Record<string, unknown>, req: OAuthHttpRequest, res: unknown): Promise<void> {
    if (!this.oauth.isConfigured(provider)) throw new OAuthProviderNotConfiguredError();
    this.noStore(res);
    // The callback URL carries the code: never leak it through a Referer.
    this.adapterHost.httpAdapter.setHeader(res, 'Referrer-Policy', 'no-referrer');
    // The binding cookie is named after the state; a malformed state has none (and fails in complete()).
    const state = typeof query.state === 'string' && RANDOM_TOKEN_PATTERN.test(query.state) ? query.state : undefined;
    if (state) this.appendCookie(res, clearedOAuthStateCookie(this.options, req, provider, state));
    const { failureRedirect, successRedirect } = this.oauthOptions;
    let target: string;
    try {
      const result = await this.oauth.complete(
        provider,
        { state: query.state, code: query.code, error: query.error, bindingSecret: state && readOAuthStateCookie(this.options, req, provider, state) },
        this.client(req),
      );
      if (result.purpose === 'login') {
        // The refresh cookie's path is the auth prefix (where /refresh lives): this route is `<provider>/callback` below it.
        checkSecureCookieTransport(this.options, req);
        this.appendCookie(res, refreshCookie(this.options, req, result.tokens.refreshToken, 2));
        target = successRedirect;
      } else if (result.purpose === 'challenge') {
        // A sign-in step (e.g. MFA) suspended the sign-in: no refresh cookie; the page completes the challenge.
        target = withQuery(successRedirect, result.challenge.challenge, 'required');
      } else {
        target = withQuery(successRedirect, 'linked', provider);
      }
    } catch (error) {
      if (!failureRedirect) throw error;
      target = this.failureTarget(failureRedirect, error);
    }
    this.adapterHost.httpAdapter.redirect(res, HttpStatus.FOUND, target);
  }

  /** `failureRedirect?error=<code>`; an unexpected error is logged and becomes `server_error`. */
  private failureTarget(failureRedirect: string, error: unknown): string {
    if (!(error instanceof AuthError)) {
      this.logger.error(`OAuth sign-in failed unexpectedly: ${error instanceof Error ? error.stack : String(error)}`);
    }
    return withQuery(failureRedirect, 'error', error instanceof AuthError ? error.code : 'server_error');
  }

  protected client(req: OAuthHttpRequest): ClientInfo {
    return clientInfo(req);
  }

  private acceptsJson(req: OAuthHttpRequest): boolean {
    const accept = req.headers.accept;
    return typeof accept === 'string' && accept.includes('application/json');
  }

  private noStore(res: unknown): void {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(res, 'Cache-Control', 'no-store');
    adapter.setHeader(res, 'Pragma', 'no-cache');
  }

  private appendCookie(res: unknown, cookie: string): void {
    const adapter = this.adapterHost.httpAdapter;
    if (typeof adapter.appendHeader === 'function') adapter.appendHeader(res, 'Set-Cookie', cookie);
    else adapter.setHeader(res, 'Set-Cookie', cookie);
  }
}
