import { Body, Header, HttpCode, HttpStatus, Post, Req, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { AuthenticatedUser } from '../auth.types';
import { CurrentUser } from '../decorators/current-user.decorator';
import { ValidationFailedError } from '../errors/auth.errors';
import { AccessTokenGuard } from '../guards/access-token.guard';
import { AuthExceptionFilter } from '../http/auth-exception.filter';
import { authValidationPipe } from '../http/auth-validation.pipe';
import { type ClientRequest, clientInfo } from '../http/client-info';
import { PasswordText } from '../http/dto-fields';
import { JsonContentTypeGuard } from '../http/json-content-type.guard';
import type { TokenResponse } from '../http/token-responder';
import { ReauthenticationService } from './reauthentication.service';
import type { ReauthenticationProof } from './second-factors';

/**
 * A second factor as a body carries it: a TOTP `code`, a `recoveryCode` or a `passkey` (a WebAuthn assertion as
 * JSON; the passkeys feature checks its shape) (the MFA feature's bodies extend it).
 */
export class SecondFactorProofDto {
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  recoveryCode?: string;

  @IsOptional()
  @IsObject()
  passkey?: Record<string, unknown>;
}

/** Body of `POST /auth/reauthenticate`: exactly one proof. */
export class ReauthenticateDto extends SecondFactorProofDto {
  @IsOptional()
  @PasswordText()
  password?: string;
}

/** The proof of a body, or 400 when it has none or more than one. */
export function reauthenticationProof(body: ReauthenticateDto | undefined): ReauthenticationProof {
  const given = (['password', 'code', 'recoveryCode', 'passkey'] as const).filter((field) => body?.[field] !== undefined);
  if (given.length !== 1) throw new ValidationFailedError(['give exactly one of password, code, recoveryCode, passkey']);
  return { [given[0]]: body![given[0]] };
}

/** `POST <prefix>/reauthenticate`: step-up for the current session (the kernel's; second factors come from a feature). */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class ReauthenticationController {
  constructor(protected readonly reauthentication: ReauthenticationService) {}

  /**
   * 200 token response for the same session, with a fresh `auth_time` and the proof's `amr` (no new refresh token:
   * the current one keeps working and its refreshes carry them). 401 `invalid_credentials` / `mfa_code_invalid`, 429.
   */
  @UseGuards(AccessTokenGuard, JsonContentTypeGuard)
  @Post('reauthenticate')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  reauthenticate(@CurrentUser() user: AuthenticatedUser, @Body() body: ReauthenticateDto, @Req() req: ClientRequest): Promise<TokenResponse> {
    return this.reauthentication.reauthenticate(user, reauthenticationProof(body), clientInfo(req));
  }
}
