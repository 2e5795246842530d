import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthError } from '../../core/errors/auth.errors';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from '../../core/http/cookie.options';
import type { AuthenticatedUser } from '../../core/auth.types';
import { authRoutesCookie, refreshCookie } from '../../core/http/refresh-cookie';
import { checkSecureCookieTransport, type TransportRequest } from '../../core/http/secure-cookie.check';
import { RANDOM_TOKEN_PATTERN } from './pkce';
import {
  clearedOAuthStateCookie, clearedOAuthStateCookieNamed, MAX_PENDING_OAUTH_PER_BROWSER, oauthStateCookie, pendingOAuthStateCookieNames,
  readOAuthStateCookie,
} from './oauth-cookie';
import { OAuthProviderNotConfiguredError } from './oauth.errors';
import { OAUTH_OPTIONS, type ResolvedOAuthOptions } from './oauth.options';
import { type OAuthAuthorization, OAuthService } from './oauth.service';
import { clientInfo } from '../../core/http/client-info';

/** A request as the OAuth routes read it. */
export interface OAuthHttpRequest extends TransportRequest {
  ip?: string;
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
 * What every OAuth route does, whichever way it is mounted (built-in providers, passport sources): start an
 * authorization (state + PKCE kept server-side, bound to the browser by a cookie) and finish it on the callback.
 * No token ever travels in a URL.
 */
@Injectable()
export class OAuthRedirects {
  private readonly logger = new Logger('AuthKit');

  constructor(
    private readonly oauth: OAuthService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(COOKIE_OPTIONS) private readonly options: ResolvedCookieOptions,
    @Inject(OAUTH_OPTIONS) private readonly oauthOptions: ResolvedOAuthOptions,
  ) {}

  /** `GET <provider>` and `GET <provider>/link`: 302 to the provider (or `{ authorizationUrl }` for a JSON link call), the state cookie set. */
  async start(provider: string, req: OAuthHttpRequest, res: unknown, principal?: AuthenticatedUser): Promise<void> {
    const json = principal !== undefined && this.acceptsJson(req);
    let authorization: OAuthAuthorization;
    try {
      authorization = await this.oauth.begin(provider, principal, clientInfo(req));
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

  /** `GET <provider>/callback`: 302 to the success URL with the refresh cookie set, or to the failure URL with `?error=<code>`. */
  async callback(provider: string, query: Record<string, unknown>, req: OAuthHttpRequest, res: unknown): Promise<void> {
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
        clientInfo(req),
      );
      if (result.purpose === 'login') {
        // The refresh cookie's path is the auth prefix (where /refresh lives): this route is `<provider>/callback` below it.
        checkSecureCookieTransport(this.options, req);
        this.appendCookie(res, refreshCookie(this.options, req, result.tokens.refreshToken, 2));
        target = successRedirect;
      } else if (result.purpose === 'challenge') {
        // A sign-in step (e.g. MFA) suspended the sign-in: no refresh cookie; the page completes the challenge, the
        // pending sign-in in the step's short-lived HttpOnly cookie (never in the URL).
        const { cookie } = result.challenge;
        if (cookie) {
          checkSecureCookieTransport(this.options, req);
          this.appendCookie(res, authRoutesCookie(this.options, req, cookie, 2));
        }
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
