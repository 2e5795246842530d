import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../identity/identity.resolver';
import { normalizeEmail, SAFE_EMAIL_CHARACTERS } from '../identity/email';

const WELL_FORMED = /^\P{Cs}*$/u;
/** A one-time token: `<base64url user id>.<base64url secret>`; the service checks it in full. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const toEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeEmail(value) : value);

/** Body of `POST /auth/password/forgot`, and of `POST /auth/email/verify/request` without an access token. */
export class EmailDto {
  @Transform(toEmail)
  @IsString()
  @MaxLength(EMAIL_MAX_LENGTH)
  @IsEmail()
  @Matches(SAFE_EMAIL_CHARACTERS, { message: 'email must be an email' })
  email!: string;
}

/** Body of `POST /auth/email/verify/request`: nothing with an access token, `{ email }` without. */
export class VerificationRequestDto {
  @IsOptional()
  @Transform(toEmail)
  @IsString()
  @MaxLength(EMAIL_MAX_LENGTH)
  @IsEmail()
  @Matches(SAFE_EMAIL_CHARACTERS, { message: 'email must be an email' })
  email?: string;
}

/** Body of `POST /auth/email/verify`. */
export class TokenDto {
  @IsString()
  @MaxLength(512)
  @Matches(TOKEN_SHAPE, { message: 'token must be a token from the mail' })
  token!: string;
}

/** Body of `POST /auth/password/reset`. */
export class ResetPasswordDto extends TokenDto {
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  @Matches(WELL_FORMED, { message: 'password must be well-formed Unicode text' })
  password!: string;
}

/** Body of `POST /auth/password/change`. */
export class ChangePasswordDto {
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  @Matches(WELL_FORMED, { message: 'currentPassword must be well-formed Unicode text' })
  currentPassword!: string;

  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  @Matches(WELL_FORMED, { message: 'newPassword must be well-formed Unicode text' })
  newPassword!: string;
}

/** Body of `DELETE /auth/account`: the password (omitted for an account without one, which needs a recent sign-in). */
export class DeleteAccountDto {
  @IsOptional()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  @Matches(WELL_FORMED, { message: 'password must be well-formed Unicode text' })
  password?: string;
}

/** Body of `PUT /auth/admin/users/:id/roles`. */
export class SetRolesDto {
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(64, { each: true })
  roles!: string[];
}
