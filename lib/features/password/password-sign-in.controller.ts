import { Body, Header, HttpCode, HttpStatus, Post, Req, Res, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { PasswordSignIn } from './password-sign-in';
import { type RegistrationAccepted, type RegistrationPendingVerification, RegistrationService } from './registration.service';
import { Public } from '../../core/decorators/public.decorator';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { authValidationPipe } from '../../core/http/auth-validation.pipe';
import { JsonContentTypeGuard } from '../../core/http/json-content-type.guard';
import { LoginDto } from './password.dto';
import type { HttpResponse } from '../../core/http/http-response';
import { type ClientRequest, clientInfo } from '../../core/http/client-info';
import { TokenResponder, type TokenResponse } from '../../core/http/token-responder';
import type { TransportRequest } from '../../core/http/secure-cookie.check';
import { type RegistrationBody, RegistrationBodyPipe } from './registration-body.pipe';

type HttpRequest = TransportRequest & ClientRequest;

/** `POST /auth/register` and `POST /auth/login`: email and password as the way in. */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class PasswordSignInController {
  constructor(
    protected readonly passwordSignIn: PasswordSignIn,
    protected readonly registration: RegistrationService,
    protected readonly responder: TokenResponder,
  ) {}

  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  @Header('Cache-Control', 'no-store')
  async register(
    @Body(RegistrationBodyPipe) body: RegistrationBody, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TokenResponse | RegistrationAccepted | RegistrationPendingVerification | Readonly<Record<string, unknown>>> {
    const result = await this.registration.register(body.credentials, clientInfo(req), body.fields);
    if ('tokens' in result || 'challenge' in result) return this.responder.respondToSignIn(result, req, res);
    // requireVerifiedEmail: 201, the account and no token (verify the email, then sign in).
    if (result.status === 'verification_required') return result;
    res.status?.(HttpStatus.ACCEPTED); // registration.emailTakenResponse 'generic': the same answer, taken email or not
    return result;
  }

  @Public()
  @UseGuards(JsonContentTypeGuard)
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async login(
    @Body() body: LoginDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TokenResponse | Readonly<Record<string, unknown>>> {
    return this.responder.respondToSignIn(await this.passwordSignIn.login(body, clientInfo(req)), req, res);
  }
}
