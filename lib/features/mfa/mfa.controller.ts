import { Body, Delete, Get, Header, HttpCode, HttpStatus, Inject, Param, Post, Req, Res, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import type { AuthenticatedUser } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { OptionalAuth } from '../../core/decorators/optional-auth.decorator';
import { Public } from '../../core/decorators/public.decorator';
import { Roles } from '../../core/decorators/roles.decorator';
import { RequireRecentAuth } from '../../core/decorators/require-recent-auth.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { RolesGuard } from '../../core/guards/roles.guard';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { authValidationPipe } from '../../core/http/auth-validation.pipe';
import { type ClientRequest, clientInfo } from '../../core/http/client-info';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from '../../core/http/cookie.options';
import { isCrossSite, readCookie } from '../../core/http/cookies';
import { CrossSiteRequestError } from '../../core/errors/auth.errors';
import { requireFeature } from '../../core/http/feature-disabled';
import type { HttpResponse } from '../../core/http/http-response';
import { appendSetCookie } from '../../core/http/http-response';
import { JsonContentTypeGuard } from '../../core/http/json-content-type.guard';
import { authRoutesCookie } from '../../core/http/refresh-cookie';
import type { TransportRequest } from '../../core/http/secure-cookie.check';
import { TokenResponder, type TokenResponse } from '../../core/http/token-responder';
import { MfaProofDto, MfaTokenDto, MfaVerifyDto, optionalProofOf, proofOf, TotpCodeDto } from './mfa.dto';
import { MFA_OPTIONS, type ResolvedMfaOptions } from './mfa.options';
import { MFA_PENDING_COOKIE } from './mfa-challenge.step';
import { MfaEnrolmentService, type MfaStatus } from './mfa-enrolment.service';
import { MfaSignInService } from './mfa-sign-in.service';

type HttpRequest = TransportRequest & ClientRequest;

/** The MFA routes under the auth prefix (404 without the `mfa` option). Thin: the services do the work. */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class MfaController {
  constructor(
    protected readonly signIn: MfaSignInService,
    protected readonly enrolment: MfaEnrolmentService,
    protected readonly responder: TokenResponder,
    @Inject(COOKIE_OPTIONS) protected readonly cookies: ResolvedCookieOptions,
    @Inject(MFA_OPTIONS) protected readonly options: ResolvedMfaOptions,
  ) {}

  /**
   * 200 token response: the second factor finishes the sign-in. The MFA token comes in the body or, after an OAuth
   * redirect, in its HttpOnly cookie (then refused cross-site, 403). 401 `mfa_code_invalid` / `mfa_token_invalid`, 429.
   */
  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('mfa/verify')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async verify(@Body() body: MfaVerifyDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse): Promise<TokenResponse | Readonly<Record<string, unknown>>> {
    requireFeature(this.options.enabled);
    const proof = proofOf(body);
    const outcome = await this.signIn.verify(this.mfaToken(body, req), proof, clientInfo(req));
    this.clearPendingCookie(req, res, 2);
    return this.responder.respondToSignIn(outcome, req, res, 2);
  }

  /**
   * 200: what the client needs to prove a second factor that needs a server challenge first (`passkey`: WebAuthn
   * request options for the user's passkeys, bound to the MFA token). 401 `mfa_token_invalid`; 404 for other methods.
   */
  @Public()
  @Post('mfa/:method/options')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  challengeOptions(@Param('method') method: string, @Body() body: MfaTokenDto, @Req() req: HttpRequest): Promise<Readonly<Record<string, unknown>>> {
    requireFeature(this.options.enabled);
    return this.signIn.challengeOptions(this.mfaToken(body, req), method, clientInfo(req));
  }

  /** 200: the user's factors. */
  @UseGuards(AccessTokenGuard)
  @Get('mfa')
  @Header('Cache-Control', 'no-store')
  status(@CurrentUser() user: AuthenticatedUser): Promise<MfaStatus> {
    requireFeature(this.options.enabled);
    return this.enrolment.status(user.id);
  }

  /**
   * 200 `{ secret, otpauthUrl }` (shown this once), for a signed-in user (401 `reauthentication_required` when the
   * sign-in is older than `recentAuthSeconds`) or, without a session, the MFA token of an enrolment challenge.
   * 409 `mfa_already_enabled`.
   */
  @OptionalAuth()
  @UseGuards(AccessTokenGuard)
  @Post('mfa/totp/setup')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  setup(@CurrentUser() user: AuthenticatedUser | undefined, @Body() body: MfaTokenDto, @Req() req: HttpRequest): Promise<{ secret: string; otpauthUrl: string }> {
    requireFeature(this.options.enabled);
    if (user) return this.enrolment.setup(user);
    return this.signIn.enrolSetup(this.mfaToken(body, req), clientInfo(req));
  }

  /**
   * 200 `{ recoveryCodes }` (shown this once): TOTP is on. With the MFA token of an enrolment challenge (no session),
   * the sign-in finishes too: the token response plus `recoveryCodes`. 401 `mfa_code_invalid`, 400 `mfa_setup_required`.
   */
  @OptionalAuth()
  @UseGuards(AccessTokenGuard, JsonContentTypeGuard)
  @Post('mfa/totp/confirm')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async confirm(
    @CurrentUser() user: AuthenticatedUser | undefined, @Body() body: TotpCodeDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<Readonly<Record<string, unknown>>> {
    requireFeature(this.options.enabled);
    if (user) return this.enrolment.confirm(user.id, body.code, clientInfo(req));
    const { outcome, recoveryCodes } = await this.signIn.enrolConfirm(this.mfaToken(body, req), body.code, clientInfo(req));
    this.clearPendingCookie(req, res, 3);
    return { ...this.responder.respondToSignIn(outcome, req, res, 3), recoveryCodes };
  }

  /**
   * 204: every factor removed; needs a recent sign-in that used the second factor (else 401
   * `reauthentication_required`: `POST /auth/reauthenticate` with a code); a code or recovery code in the body, when
   * given, must be valid too.
   */
  @RequireRecentAuth({ secondFactor: true })
  @UseGuards(AccessTokenGuard, JsonContentTypeGuard)
  @Delete('mfa/totp')
  @HttpCode(HttpStatus.NO_CONTENT)
  async disable(@CurrentUser() user: AuthenticatedUser, @Body() body: MfaProofDto, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.enabled);
    await this.enrolment.disable(user.id, optionalProofOf(body), clientInfo(req));
  }

  /** 200 `{ recoveryCodes }`: a new set, the old one void; needs a recent sign-in with the second factor (as `disable`); a code in the body, when given, must be valid. */
  @RequireRecentAuth({ secondFactor: true })
  @UseGuards(AccessTokenGuard, JsonContentTypeGuard)
  @Post('mfa/recovery-codes')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  regenerate(@CurrentUser() user: AuthenticatedUser, @Body() body: MfaProofDto, @Req() req: ClientRequest): Promise<{ recoveryCodes: string[] }> {
    requireFeature(this.options.enabled);
    return this.enrolment.regenerateRecoveryCodes(user.id, optionalProofOf(body), clientInfo(req));
  }

  /** The MFA token of the body, else of the pending-sign-in cookie (refused cross-site: 403). */
  protected mfaToken(body: MfaTokenDto | undefined, req: HttpRequest): string | undefined {
    if (body?.mfaToken !== undefined) return body.mfaToken;
    const token = readCookie(req, MFA_PENDING_COOKIE);
    if (token !== undefined && isCrossSite(req, this.cookies.allowedOrigins)) throw new CrossSiteRequestError();
    return token;
  }

  /** Clears the pending-sign-in cookie once used (set by a handler `segments` path segments below the auth prefix). */
  protected clearPendingCookie(req: HttpRequest, res: HttpResponse, segments: number): void {
    if (readCookie(req, MFA_PENDING_COOKIE) === undefined) return;
    appendSetCookie(res, authRoutesCookie(this.cookies, req, { name: MFA_PENDING_COOKIE, value: '', maxAgeSeconds: 0 }, segments));
  }
}

/** `DELETE <prefix>/admin/users/:id/mfa` (with the `adminRoutes` extra, `admin` role): 204, the user's factors removed. */
@UseFilters(AuthExceptionFilter)
export class MfaAdminController {
  constructor(protected readonly enrolment: MfaEnrolmentService, @Inject(MFA_OPTIONS) protected readonly options: ResolvedMfaOptions) {}

  @Roles('admin')
  @UseGuards(AccessTokenGuard, RolesGuard)
  @Delete('admin/users/:id/mfa')
  @HttpCode(HttpStatus.NO_CONTENT)
  async reset(@Param('id') id: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.enabled);
    await this.enrolment.adminReset(id, me.id, clientInfo(req));
  }
}
