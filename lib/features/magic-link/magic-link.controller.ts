import { Body, Header, HttpCode, HttpStatus, Inject, Post, Req, Res, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { Public } from '../../core/decorators/public.decorator';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { authValidationPipe } from '../../core/http/auth-validation.pipe';
import { type ClientRequest, clientInfo } from '../../core/http/client-info';
import { requireFeature } from '../../core/http/feature-disabled';
import type { HttpResponse } from '../../core/http/http-response';
import { JsonContentTypeGuard } from '../../core/http/json-content-type.guard';
import type { TransportRequest } from '../../core/http/secure-cookie.check';
import { TokenResponder, type TokenResponse } from '../../core/http/token-responder';
import { MagicLinkRequestDto, MagicLinkVerifyDto } from './magic-link.dto';
import { MAGIC_LINK_OPTIONS, type ResolvedMagicLinkOptions } from './magic-link.options';
import { MagicLinkService } from './magic-link.service';

type HttpRequest = TransportRequest & ClientRequest;

/** The answer to a magic-link request: the same whether or not the email has an account. */
const LINK_SENT = Object.freeze({ status: 'accepted', message: 'If an account with this email exists, a sign-in link has been sent to it.' });

/** `POST <prefix>/magic-link` and `/magic-link/verify` (404 without the `magicLink` option). */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class MagicLinkController {
  constructor(
    protected readonly magicLinks: MagicLinkService,
    protected readonly responder: TokenResponder,
    @Inject(MAGIC_LINK_OPTIONS) protected readonly options: ResolvedMagicLinkOptions,
  ) {}

  /** 202 whether or not the email has an account; the link is mailed in the background. 429 when throttled. */
  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('magic-link')
  @HttpCode(HttpStatus.ACCEPTED)
  @Header('Cache-Control', 'no-store')
  async request(@Body() body: MagicLinkRequestDto, @Req() req: ClientRequest): Promise<typeof LINK_SENT> {
    requireFeature(this.options.enabled);
    await this.magicLinks.request(body.email, clientInfo(req));
    return LINK_SENT;
  }

  /** 200 token response, or `{ mfaRequired: true, mfaToken, ... }`. 400 `token_invalid` (unknown, used, expired, replaced), 429. */
  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('magic-link/verify')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async verify(
    @Body() body: MagicLinkVerifyDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TokenResponse | Readonly<Record<string, unknown>>> {
    requireFeature(this.options.enabled);
    return this.responder.respondToSignIn(await this.magicLinks.verify(body.token, clientInfo(req)), req, res, 2);
  }
}
