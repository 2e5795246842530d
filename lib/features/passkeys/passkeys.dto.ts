import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** A passkey's name: 1 to 64 characters, no control characters. */
const NAME = /^[^\p{Cc}]{1,64}$/u;

/** Body of `POST /auth/passkeys/registration`: the browser's registration response (`PublicKeyCredential` as JSON) and a name. */
export class PasskeyRegistrationDto {
  @IsObject()
  response!: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(NAME, { message: 'name must be 1 to 64 characters without control characters' })
  name?: string;
}

/** Body of `POST /auth/passkeys/authentication`: the browser's assertion (`PublicKeyCredential` as JSON). */
export class PasskeyAuthenticationDto {
  @IsObject()
  response!: Record<string, unknown>;
}

/** Body of `PATCH /auth/passkeys/:id`. */
export class PasskeyRenameDto {
  @IsString()
  @MaxLength(64)
  @Matches(NAME, { message: 'name must be 1 to 64 characters without control characters' })
  name!: string;
}
