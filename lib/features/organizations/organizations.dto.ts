import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { AccountEmail } from '../../core/http/dto-fields';
import { ROLE_NAME } from './organizations.options';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Body of `POST /auth/orgs`. (Its length limit is `organizations.maxNameLength`, checked by the controller.) */
export class CreateOrganizationDto {
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @Matches(/^[^\p{Cc}\p{Cs}]*$/u, { message: 'name must be text without control characters' })
  name!: string;
}

/** Body of `PATCH /auth/orgs/:orgId/members/:userId`. */
export class OrganizationRolesDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(32)
  @Matches(ROLE_NAME, { each: true, message: 'each of roles must be a role name' })
  roles!: string[];
}

/** Body of `POST /auth/orgs/:orgId/invitations`. */
export class InviteMemberDto extends OrganizationRolesDto {
  @AccountEmail()
  email!: string;
}

/** Body of `POST /auth/orgs/invitations/accept`. */
export class AcceptInvitationDto {
  @IsString()
  @MaxLength(512)
  token!: string;
}

/** Body of `POST /auth/orgs/:orgId/transfer`. */
export class TransferOwnershipDto {
  @IsString()
  @Matches(ID, { message: 'userId must be a user id' })
  userId!: string;
}

/** Body of `POST /auth/orgs/active`: an organization id, or null for none. */
export class ActiveOrganizationDto {
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(ID, { message: 'orgId must be an organization id or null' })
  orgId!: string | null;
}

/** Body of `PATCH /auth/orgs/:orgId`: the organization's policy. */
export class OrganizationPolicyDto {
  @IsBoolean()
  requireMfa!: boolean;
}
