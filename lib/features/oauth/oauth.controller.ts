import { Get, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { AuthenticatedUser } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { Public } from '../../core/decorators/public.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { type OAuthHttpRequest, OAuthRedirects } from './oauth-redirects';

/**
 * The built-in providers' routes, mounted under the auth prefix: `GET <provider>` (302 to the
 * provider), `GET <provider>/callback` (302 to the success URL with the refresh cookie set, or to the failure URL
 * with `?error=<code>` / a JSON error), `GET <provider>/link` (signed in; 302, or 200 `{ authorizationUrl }` when
 * the client accepts JSON). An unconfigured provider answers 404.
 */
@UseFilters(AuthExceptionFilter)
export class OAuthController {
  constructor(protected readonly redirects: OAuthRedirects) {}

  @Public()
  @Get('google')
  google(@Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.redirects.start('google', req, res);
  }

  @Public()
  @Get('google/callback')
  googleCallback(@Query() query: Record<string, unknown>, @Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.redirects.callback('google', query, req, res);
  }

  @UseGuards(AccessTokenGuard)
  @Get('google/link')
  googleLink(@CurrentUser() user: AuthenticatedUser, @Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.redirects.start('google', req, res, user);
  }

  @Public()
  @Get('github')
  github(@Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.redirects.start('github', req, res);
  }

  @Public()
  @Get('github/callback')
  githubCallback(@Query() query: Record<string, unknown>, @Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.redirects.callback('github', query, req, res);
  }

  @UseGuards(AccessTokenGuard)
  @Get('github/link')
  githubLink(@CurrentUser() user: AuthenticatedUser, @Req() req: OAuthHttpRequest, @Res() res: unknown): Promise<void> {
    return this.redirects.start('github', req, res, user);
  }
}
