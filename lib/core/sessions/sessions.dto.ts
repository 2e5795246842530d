import { IsOptional, IsString, MaxLength } from 'class-validator';
import { hasExactlyKeys, isCleanString } from '../http/auth-validation.pipe';

const MAX_REFRESH_TOKEN_LENGTH = 1024;

/** Body of `POST /auth/refresh` when the refresh token travels in the body. */
export class RefreshDto {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REFRESH_TOKEN_LENGTH)
  refreshToken?: string;

  /**
   * `{ refreshToken: <string of at most 1024 units, well-formed> }`, the body of every body-transport refresh, is
   * valid as it is: the validation pipe skips class-transformer and class-validator for it (a refresh's hottest
   * cost after the HTTP stack). Anything else takes the full pipe.
   */
  static isValidAsIs(value: unknown): boolean {
    return hasExactlyKeys(value, ['refreshToken']) && isCleanString(value.refreshToken, MAX_REFRESH_TOKEN_LENGTH);
  }
}
