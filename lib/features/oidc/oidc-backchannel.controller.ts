import { Body, Header, HttpCode, HttpStatus, Param, Post, UseFilters } from '@nestjs/common';
import { Public } from '../../core/decorators/public.decorator';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { OidcBackchannelLogout } from './oidc-backchannel.service';

/**
 * `POST <name>/backchannel-logout` (OpenID Connect Back-Channel Logout 1.0): the provider posts a `logout_token`
 * (form-encoded); 200 when it verifies (whether or not a session was still open), 400 `oidc_logout_token_invalid`
 * otherwise, 404 for a name that is not an OpenID Connect provider. Register its absolute URL at the provider as the
 * client's back-channel logout URI.
 */
@UseFilters(AuthExceptionFilter)
export class OidcBackchannelController {
  constructor(protected readonly logout: OidcBackchannelLogout) {}

  @Public()
  @Post(':provider/backchannel-logout')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async backchannelLogout(@Param('provider') provider: string, @Body() body: Record<string, unknown> | undefined): Promise<Record<string, never>> {
    await this.logout.logout(provider, body?.logout_token);
    return {};
  }
}
