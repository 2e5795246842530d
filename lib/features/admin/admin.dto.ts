import { ArrayMaxSize, IsArray, IsString, MaxLength, MinLength } from 'class-validator';

/** Body of `PUT /auth/admin/users/:id/roles`. */
export class SetRolesDto {
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(64, { each: true })
  roles!: string[];
}
