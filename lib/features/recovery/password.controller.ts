import { Body, Header, HttpCode, HttpStatus, Inject, Post, Req, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import type { AuthenticatedUser } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { Public } from '../../core/decorators/public.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { RequireRecentAuth } from '../../core/decorators/require-recent-auth.decorator';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { AccountService } from './account.service';
import { PasswordNoticeMailer } from './password-notice.mailer';
import { AuthService } from '../../core/sign-in/auth.service';
import { ChangePasswordDto, EmailDto, ResetPasswordDto } from './account.dto';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { authValidationPipe } from '../../core/http/auth-validation.pipe';
import { type ClientRequest, clientInfo } from '../../core/http/client-info';
import { requireFeature } from '../../core/http/feature-disabled';
import { JsonContentTypeGuard } from '../../core/http/json-content-type.guard';

/** The answer to a "send me a link" request: the same whether or not the email has an account. */
export interface AcceptedResponse {
  status: 'accepted';
  message: string;
}

const LINK_SENT: AcceptedResponse = Object.freeze({
  status: 'accepted',
  message: 'If an account with this email exists, a link has been sent to it.',
});

/**
 * Password routes (mounted under the auth prefix): forgot, reset (`passwordReset` option, on when its `url`
 * is set) and change (`passwordChange`, on by default). Thin: the use cases are in `AccountService` and
 * `AuthService`.
 */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class PasswordController {
  constructor(
    protected readonly account: AccountService,
    protected readonly auth: AuthService,
    @Inject(ACCOUNT_OPTIONS) protected readonly options: ResolvedAccountOptions,
    protected readonly notices: PasswordNoticeMailer,
  ) {}

  /** 202 whether or not the email has an account; the link is mailed in the background. 429 when throttled. */
  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('password/forgot')
  @HttpCode(HttpStatus.ACCEPTED)
  @Header('Cache-Control', 'no-store')
  async forgot(@Body() body: EmailDto, @Req() req: ClientRequest): Promise<AcceptedResponse> {
    requireFeature(this.options.passwordReset.enabled);
    await this.account.requestPasswordReset(body.email, clientInfo(req));
    return LINK_SENT;
  }

  /** 204; every session of the user ends. 400 `token_invalid` (unknown, used, expired, replaced), 400 `weak_password`. */
  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('password/reset')
  @HttpCode(HttpStatus.NO_CONTENT)
  async reset(@Body() body: ResetPasswordDto, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.passwordReset.enabled);
    await this.account.resetPassword(body.token, body.password, clientInfo(req));
  }

  /**
   * 204; the other sessions end (unless `revokeSessionsOnPasswordChange: false`); a notice is mailed. 401 wrong current
   * password (throttled like logins), 401 `reauthentication_required` (signed in more than `recentAuthSeconds` ago).
   */
  @RequireRecentAuth()
  @UseGuards(AccessTokenGuard, JsonContentTypeGuard)
  @Post('password/change')
  @HttpCode(HttpStatus.NO_CONTENT)
  async change(@CurrentUser() user: AuthenticatedUser, @Body() body: ChangePasswordDto, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.passwordChange.enabled);
    await this.auth.changePassword(user.id, body.newPassword, {
      currentPassword: body.currentPassword, keepSessionId: user.sessionId, client: clientInfo(req),
    });
    this.notices.sendInBackground(user.id, 'change');
  }
}
