import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ValidationFailedError } from '../../core/errors/auth.errors';
import { SecondFactorProofDto } from '../../core/sessions/reauthentication.controller';
import type { MfaProof } from './mfa-verifier';

/** The MFA token of a challenge (else its cookie, after an OAuth redirect). */
export class MfaTokenDto {
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  mfaToken?: string;
}

/** Body of `POST /auth/mfa/totp/confirm` (`mfaToken`: enrolling from an enrolment challenge, without a session). */
export class TotpCodeDto extends MfaTokenDto {
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;
}

/** A second factor: a TOTP `code` or a `recoveryCode` (exactly one). */
export class MfaProofDto extends SecondFactorProofDto {}

/** Body of `POST /auth/mfa/verify`: the MFA token (or its cookie, after an OAuth redirect) and a second factor. */
export class MfaVerifyDto extends MfaProofDto {
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  mfaToken?: string;
}

/** The proof of a body, or 400 when it has none or more than one. */
export function proofOf(body: MfaProofDto | undefined): MfaProof {
  const given = (['code', 'recoveryCode', 'passkey'] as const).filter((field) => body?.[field] !== undefined);
  if (given.length !== 1) throw new ValidationFailedError(['give either code or recoveryCode']);
  return { [given[0]]: body![given[0]] };
}

/**
 * The proof of a management call (disable, regenerate): optional, since the route's step-up (`@RequireRecentAuth` with
 * `secondFactor`) already asks for a recent use of the second factor; checked when given; 400 when both.
 */
export function optionalProofOf(body: MfaProofDto | undefined): MfaProof | null {
  if (typeof body?.code !== 'string' && typeof body?.recoveryCode !== 'string' && body?.passkey === undefined) return null;
  return proofOf(body);
}
