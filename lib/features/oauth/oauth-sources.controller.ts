import { Get, Next, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AuthenticatedUser } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { Public } from '../../core/decorators/public.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { OAuthProviderNotConfiguredError } from './oauth.errors';
import { OAuthService } from './oauth.service';
import { type OAuthHttpRequest, OAuthRedirects } from './oauth-redirects';

/** Express's `next`; unused by other adapters. */
type NextFunction = (error?: unknown) => void;

/**
 * The routes of passport sources (`oauth.passport`), under the app's names: `GET :provider`, its callback and
 * link. Mounted after every other controller of the module, so every fixed route wins.
 */
@UseFilters(AuthExceptionFilter)
export class OAuthSourcesController {
  constructor(
    protected readonly redirects: OAuthRedirects,
    protected readonly oauth: OAuthService,
    protected readonly adapterHost: HttpAdapterHost,
  ) {}

  // A name that is not a configured source is passed on to the app's later routes (Express) or answers 404 (other
  // adapters route fixed paths before parameters anyway).

  @Public()
  @Get(':provider')
  source(@Param('provider') provider: string, @Req() req: OAuthHttpRequest, @Res() res: unknown, @Next() next: NextFunction): Promise<void> | void {
    if (!this.oauth.isConfigured(provider)) return this.passOn(next);
    return this.redirects.start(provider, req, res);
  }

  @Public()
  @Get(':provider/callback')
  sourceCallback(
    @Param('provider') provider: string, @Query() query: Record<string, unknown>, @Req() req: OAuthHttpRequest, @Res() res: unknown, @Next() next: NextFunction,
  ): Promise<void> | void {
    if (!this.oauth.isConfigured(provider)) return this.passOn(next);
    return this.redirects.callback(provider, query, req, res);
  }

  @UseGuards(AccessTokenGuard)
  @Get(':provider/link')
  sourceLink(
    @Param('provider') provider: string, @CurrentUser() user: AuthenticatedUser, @Req() req: OAuthHttpRequest, @Res() res: unknown, @Next() next: NextFunction,
  ): Promise<void> | void {
    if (!this.oauth.isConfigured(provider)) return this.passOn(next);
    return this.redirects.start(provider, req, res, user);
  }

  /** An unknown source name: the next matching route of the app (Express), else 404. */
  protected passOn(next: NextFunction): void {
    if (this.adapterHost.httpAdapter.getType() === 'express' && typeof next === 'function') return next();
    throw new OAuthProviderNotConfiguredError();
  }
}
