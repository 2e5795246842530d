import { LOGIN_PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH } from '../../core/users/identity-resolver.service';
import { AccountEmail, PasswordText } from '../../core/http/dto-fields';

/** Body of `POST /auth/register`. */
export class CredentialsDto {
  @AccountEmail()
  email!: string;

  @PasswordText(PASSWORD_MIN_LENGTH)
  password!: string;
}

/**
 * Body of `POST /auth/login`: any password of 1 to 128 characters is checked (and answered 401 when wrong); the
 * policy for new passwords does not apply at login, so a later, stricter policy never locks existing users out.
 */
export class LoginDto {
  @AccountEmail()
  email!: string;

  @PasswordText(LOGIN_PASSWORD_MIN_LENGTH)
  password!: string;
}
