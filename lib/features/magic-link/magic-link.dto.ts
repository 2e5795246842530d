import { IsString, MaxLength } from 'class-validator';

/** Body of `POST /auth/magic-link`. */
export class MagicLinkRequestDto {
  @IsString()
  @MaxLength(320)
  email!: string;
}

/** Body of `POST /auth/magic-link/verify`. */
export class MagicLinkVerifyDto {
  @IsString()
  @MaxLength(1024)
  token!: string;
}
