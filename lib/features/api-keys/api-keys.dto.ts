import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Body of `POST /auth/api-keys`. */
export class CreateApiKeyDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @Matches(/^[A-Za-z0-9:._-]{1,64}$/, { each: true, message: 'each scope must be 1 to 64 letters, digits, ":", ".", "_" or "-"' })
  scopes?: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36_500)
  expiresInDays?: number;
}
