import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PASSWORD_MIN_LENGTH } from '../../core/users/identity-resolver.service';
import { AccountEmail, PasswordText } from '../../core/http/dto-fields';

/** A one-time token: `<base64url user id>.<base64url secret>`; the service checks it in full. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Body of `POST /auth/password/forgot`, and of `POST /auth/email/verify/request` without an access token. */
export class EmailDto {
  @AccountEmail()
  email!: string;
}

/** Body of `POST /auth/email/verify/request`: nothing with an access token, `{ email }` without. */
export class VerificationRequestDto {
  @IsOptional()
  @AccountEmail()
  email?: string;
}

/** Body of `POST /auth/email/verify`. */
export class TokenDto {
  @IsString()
  @MaxLength(512)
  @Matches(TOKEN_SHAPE, { message: 'token must be a token from the mail' })
  token!: string;
}

/**
 * Body of `POST /auth/email/verify`: the token, and the account's password unless the request is signed in as
 * that account (the click must show the registrant, not only the mailbox).
 */
export class VerifyEmailDto extends TokenDto {
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;
}

/** Body of `POST /auth/password/reset`. */
export class ResetPasswordDto extends TokenDto {
  @PasswordText(PASSWORD_MIN_LENGTH)
  password!: string;
}

/** Body of `POST /auth/password/change`. */
export class ChangePasswordDto {
  @PasswordText()
  currentPassword!: string;

  @PasswordText(PASSWORD_MIN_LENGTH)
  newPassword!: string;
}

/** Body of `DELETE /auth/account`: the password (omitted for an account without one, which needs a recent sign-in). */
export class DeleteAccountDto {
  @IsOptional()
  @PasswordText()
  password?: string;
}
