import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { EMAIL_MAX_LENGTH, normalizeEmail, SAFE_EMAIL_CHARACTERS } from '../users/email';
import { PASSWORD_MAX_LENGTH } from '../users/identity-resolver.service';

/** No lone surrogates: text that survives UTF-8 (and so hashing) unchanged. */
const WELL_FORMED = /^\P{Cs}*$/u;

/**
 * An email field of a request body: normalised (see `normalizeEmail`), then a string of at most
 * `EMAIL_MAX_LENGTH` characters, an email, only the characters the library accepts in one. Every route that takes an
 * email uses this one rule. (Decorators listed bottom-up, as they would be stacked.)
 */
export function AccountEmail(): PropertyDecorator {
  return applyDecorators(
    Matches(SAFE_EMAIL_CHARACTERS, { message: 'email must be an email' }),
    IsEmail(),
    MaxLength(EMAIL_MAX_LENGTH),
    IsString(),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeEmail(value) : value)),
  );
}

/**
 * A password field: a string of `minLength` to `PASSWORD_MAX_LENGTH` characters (no minimum when omitted) and
 * well-formed Unicode text. The error names the field.
 */
export function PasswordText(minLength?: number): PropertyDecorator {
  return applyDecorators(
    Matches(WELL_FORMED, { message: '$property must be well-formed Unicode text' }),
    MaxLength(PASSWORD_MAX_LENGTH),
    ...(minLength === undefined ? [] : [MinLength(minLength)]),
    IsString(),
  );
}
