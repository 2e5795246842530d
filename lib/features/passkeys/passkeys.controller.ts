import { Body, Delete, Get, Header, HttpCode, HttpStatus, Inject, Param, Patch, Post, Req, Res, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { AuthenticatedUser } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { Public } from '../../core/decorators/public.decorator';
import { RequireRecentAuth } from '../../core/decorators/require-recent-auth.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { authValidationPipe } from '../../core/http/auth-validation.pipe';
import { type ClientRequest, clientInfo } from '../../core/http/client-info';
import { requireFeature } from '../../core/http/feature-disabled';
import type { HttpResponse } from '../../core/http/http-response';
import { JsonContentTypeGuard } from '../../core/http/json-content-type.guard';
import type { TransportRequest } from '../../core/http/secure-cookie.check';
import { TokenResponder, type TokenResponse } from '../../core/http/token-responder';
import { PasskeyAuthenticationDto, PasskeyRegistrationDto, PasskeyRenameDto } from './passkeys.dto';
import { PASSKEY_OPTIONS, type ResolvedPasskeyOptions } from './passkeys.options';
import { PasskeyAccounts, PasskeySignIn, type PasskeyView } from './passkey-accounts';

type HttpRequest = TransportRequest & ClientRequest;

/** The passkey routes under the auth prefix (404 without the `passkeys` option). Thin: the services do the work. */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class PasskeysController {
  constructor(
    protected readonly accounts: PasskeyAccounts,
    protected readonly signIn: PasskeySignIn,
    protected readonly responder: TokenResponder,
    @Inject(PASSKEY_OPTIONS) protected readonly options: ResolvedPasskeyOptions,
  ) {}

  /** 200 creation options for `navigator.credentials.create()`; 401 `reauthentication_required` when the sign-in is not recent. */
  @UseGuards(AccessTokenGuard)
  @Post('passkeys/registration/options')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  registrationOptions(@CurrentUser() user: AuthenticatedUser): Promise<PublicKeyCredentialCreationOptionsJSON> {
    requireFeature(this.options.enabled);
    return this.accounts.registrationOptions(user);
  }

  /** 201 `{ id, name, createdAt, backedUp, ... }`: the passkey is registered. */
  @UseGuards(AccessTokenGuard, JsonContentTypeGuard)
  @Post('passkeys/registration')
  @HttpCode(HttpStatus.CREATED)
  register(@CurrentUser() user: AuthenticatedUser, @Body() body: PasskeyRegistrationDto, @Req() req: ClientRequest): Promise<PasskeyView> {
    requireFeature(this.options.enabled);
    return this.accounts.register(user, body.response, body.name, clientInfo(req));
  }

  /** 200 request options for `navigator.credentials.get()` (discoverable credentials, user verification required). 429. */
  @Public()
  @Post('passkeys/authentication/options')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  authenticationOptions(@Req() req: ClientRequest): Promise<PublicKeyCredentialRequestOptionsJSON> {
    requireFeature(this.options.enabled);
    return this.signIn.options(clientInfo(req));
  }

  /** 200 token response (a passkey with user verification satisfies MFA). 401 `passkey_*`. */
  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('passkeys/authentication')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async authenticate(
    @Body() body: PasskeyAuthenticationDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TokenResponse | Readonly<Record<string, unknown>>> {
    requireFeature(this.options.enabled);
    return this.responder.respondToSignIn(await this.signIn.signIn(body.response, clientInfo(req)), req, res, 2);
  }

  /** 200 request options for a step-up with a passkey (`POST /auth/reauthenticate { passkey }`). */
  @UseGuards(AccessTokenGuard)
  @Post('passkeys/reauthentication/options')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  reauthenticationOptions(@CurrentUser() user: AuthenticatedUser): Promise<PublicKeyCredentialRequestOptionsJSON> {
    requireFeature(this.options.enabled);
    return this.accounts.reauthenticationOptions(user);
  }

  /** 200: the user's passkeys. */
  @UseGuards(AccessTokenGuard)
  @Get('passkeys')
  @Header('Cache-Control', 'no-store')
  list(@CurrentUser() user: AuthenticatedUser): Promise<PasskeyView[]> {
    requireFeature(this.options.enabled);
    return this.accounts.list(user.id);
  }

  /** 200: renamed. 404 `passkey_not_found`. */
  @UseGuards(AccessTokenGuard, JsonContentTypeGuard)
  @Patch('passkeys/:id')
  rename(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: PasskeyRenameDto): Promise<PasskeyView> {
    requireFeature(this.options.enabled);
    return this.accounts.rename(user.id, id, body.name);
  }

  /**
   * 204: removed. Needs a recent sign-in that used the second factor when the user has one (401
   * `reauthentication_required`); 409 `passkey_last_factor`; 404 `passkey_not_found`.
   */
  @RequireRecentAuth({ secondFactor: true })
  @UseGuards(AccessTokenGuard)
  @Delete('passkeys/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.enabled);
    await this.accounts.remove(user, id, clientInfo(req));
  }
}
