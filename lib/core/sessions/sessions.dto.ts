import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of `POST /auth/refresh` when the refresh token travels in the body. */
export class RefreshDto {
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  refreshToken?: string;
}
