import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { SAFE_EMAIL_CHARACTERS } from '../identity/email';
import { normalizeEmail } from '../identity/email';
import { EMAIL_MAX_LENGTH, LOGIN_PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../identity/identity.resolver';

/** Body of `POST /auth/register`. */
export class CredentialsDto {
  @Transform(({ value }) => (typeof value === 'string' ? normalizeEmail(value) : value))
  @IsString()
  @MaxLength(EMAIL_MAX_LENGTH)
  @IsEmail()
  @Matches(SAFE_EMAIL_CHARACTERS, { message: 'email must be an email' })
  email!: string;

  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  @Matches(/^\P{Cs}*$/u, { message: 'password must be well-formed Unicode text' })
  password!: string;
}

/**
 * Body of `POST /auth/login`: any password of 1 to 128 characters is checked (and answered 401 when wrong); the
 * policy for new passwords does not apply at login, so a later, stricter policy never locks existing users out.
 */
export class LoginDto {
  @Transform(({ value }) => (typeof value === 'string' ? normalizeEmail(value) : value))
  @IsString()
  @MaxLength(EMAIL_MAX_LENGTH)
  @IsEmail()
  @Matches(SAFE_EMAIL_CHARACTERS, { message: 'email must be an email' })
  email!: string;

  @IsString()
  @MinLength(LOGIN_PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  @Matches(/^\P{Cs}*$/u, { message: 'password must be well-formed Unicode text' })
  password!: string;
}

/** Body of `POST /auth/refresh` when the refresh token travels in the body. */
export class RefreshDto {
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  refreshToken?: string;
}
