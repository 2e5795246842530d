import { Delete, Get, Header, HttpCode, HttpStatus, Param, UseFilters, UseGuards } from '@nestjs/common';
import type { AuthenticatedUser } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { OAuthIdentityResolver } from './oauth-identity.service';
import { OAuthIdentityNotFoundError } from './oauth.errors';
import { OAUTH_SOURCE_NAME_PATTERN } from './passport-oauth.options';

/** A linked identity as listed to its owner (`GET /auth/identities`). */
export interface IdentityView {
  provider: string;
  email: string | null;
  emailVerified: boolean;
  /** ISO-8601. */
  linkedAt: string;
}

/** `GET identities` and `DELETE identities/:provider`: the signed-in user's linked provider accounts. */
@UseFilters(AuthExceptionFilter)
export class IdentitiesController {
  constructor(protected readonly identities: OAuthIdentityResolver) {}

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
}
