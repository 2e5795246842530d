import { Body, Delete, Header, HttpCode, HttpStatus, Inject, Post, Req, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import type { AuthenticatedUser } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { OptionalAuth } from '../../core/decorators/optional-auth.decorator';
import { Public } from '../../core/decorators/public.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { RequireRecentAuth } from '../../core/decorators/require-recent-auth.decorator';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { AccountService } from './account.service';
import { DeleteAccountDto, TokenDto, VerificationRequestDto, VerifyEmailDto } from './account.dto';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { authValidationPipe } from '../../core/http/auth-validation.pipe';
import { type ClientRequest, clientInfo } from '../../core/http/client-info';
import { requireFeature } from '../../core/http/feature-disabled';
import { JsonContentTypeGuard } from '../../core/http/json-content-type.guard';
import type { AcceptedResponse } from './password.controller';
import { ValidationFailedError } from '../../core/errors/auth.errors';

/**
 * Email verification (`emailVerification` option, on when its `url` is set) and account deletion
 * (`accountDeletion`, on by default), mounted under the auth prefix.
 */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class AccountController {
  constructor(
    protected readonly account: AccountService,
    @Inject(ACCOUNT_OPTIONS) protected readonly options: ResolvedAccountOptions,
  ) {}

  /**
   * 202. With an access token: a link to the user's email. Without (an unverified user cannot sign in under
   * `requireVerifiedEmail`): `{ email }`, the same answer whether or not it has an account. 429 when throttled.
   */
  @OptionalAuth()
  @UseGuards(JsonContentTypeGuard)
  @Post('email/verify/request')
  @HttpCode(HttpStatus.ACCEPTED)
  @Header('Cache-Control', 'no-store')
  async requestVerification(
    @CurrentUser() user: AuthenticatedUser | undefined, @Body() body: VerificationRequestDto, @Req() req: ClientRequest,
  ): Promise<AcceptedResponse> {
    requireFeature(this.options.emailVerification.enabled);
    if (!user && body?.email === undefined) throw new ValidationFailedError(['email is required without an access token']);
    await this.account.requestEmailVerification(user ? { principal: user } : { email: body.email }, clientInfo(req));
    return { status: 'accepted', message: 'If this account needs verification, a link has been sent to its email.' };
  }

  /**
   * 204: the email is verified. The click must show the registrant: an access token of the account, or its
   * `password` in the body; else 401 `registrant_proof_required` (or `invalid_credentials`), the link still
   * usable. 400 `token_invalid`.
   */
  @OptionalAuth()
  @UseGuards(JsonContentTypeGuard)
  @Post('email/verify')
  @HttpCode(HttpStatus.NO_CONTENT)
  async verify(@CurrentUser() user: AuthenticatedUser | undefined, @Body() body: VerifyEmailDto, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.emailVerification.enabled);
    await this.account.verifyEmail(body.token, { principal: user, password: body.password }, clientInfo(req));
  }

  /**
   * 204, "this was not me": the mailbox owner did not sign up. The account's password is removed, its identities
   * unlinked, its sessions ended; the email is verified (set a password with "forgot password"). 400 `token_invalid`.
   */
  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('email/verify/decline')
  @HttpCode(HttpStatus.NO_CONTENT)
  async decline(@Body() body: TokenDto, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.emailVerification.enabled);
    await this.account.declineRegistration(body.token, clientInfo(req));
  }

  /**
   * 204: the user, its identities and sessions are deleted. 401 `invalid_credentials` (wrong password,
   * throttled like logins) or `reauthentication_required` (signed in more than `recentAuthSeconds` ago; an account
   * without password, more than `accountDeletion.recentLoginSeconds` ago).
   */
  @RequireRecentAuth()
  @UseGuards(AccessTokenGuard, JsonContentTypeGuard)
  @Delete('account')
  @HttpCode(HttpStatus.NO_CONTENT)
  async deleteAccount(@CurrentUser() user: AuthenticatedUser, @Body() body: DeleteAccountDto, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.accountDeletion.enabled && this.account.canDeleteUsers);
    await this.account.deleteAccount(user, body?.password, clientInfo(req));
  }
}
