import {
  Body, Delete, Get, Header, HttpCode, HttpStatus, Inject, Param, Patch, Post, Req, UseFilters, UseGuards, UsePipes,
} from '@nestjs/common';
import type { AuthenticatedUser } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { RequireRecentAuth } from '../../core/decorators/require-recent-auth.decorator';
import { ValidationFailedError } from '../../core/errors/auth.errors';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { authValidationPipe } from '../../core/http/auth-validation.pipe';
import { type ClientRequest, clientInfo } from '../../core/http/client-info';
import { requireFeature } from '../../core/http/feature-disabled';
import { JsonContentTypeGuard } from '../../core/http/json-content-type.guard';
import { RouteLimiter } from '../../core/throttling/route-limiter';
import {
  AcceptInvitationDto, ActiveOrganizationDto, CreateOrganizationDto, InviteMemberDto, OrganizationPolicyDto, OrganizationRolesDto, TransferOwnershipDto,
} from './organizations.dto';
import { ORGANIZATIONS_OPTIONS, type ResolvedOrganizationsOptions } from './organizations.options';
import { OrgRoles } from './org-roles.guard';
import { type InvitationSent, OrganizationInvitations, type PendingInvitation } from './organization-invitations.service';
import type { Organization, OrganizationMembership, UserOrganization } from './organization-store.interface';
import { type OrganizationSwitchResponse, OrganizationSwitcher } from './organization-switcher';
import { OrganizationsService } from './organizations.service';

/**
 * The organization routes under the auth prefix (404 without the `organizations` option). The routes with `:orgId`
 * work on the session's active organization only (`@OrgRoles`: 403 `org_not_active` for another). Thin: the services
 * do the work and check the actor's rights against the store.
 */
@UseGuards(AccessTokenGuard)
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class OrganizationsController {
  constructor(
    protected readonly organizations: OrganizationsService,
    protected readonly invitations: OrganizationInvitations,
    protected readonly switcher: OrganizationSwitcher,
    @Inject(ORGANIZATIONS_OPTIONS) protected readonly options: ResolvedOrganizationsOptions,
    protected readonly limiter: RouteLimiter,
  ) {}

  /** 201: a new organization, the caller its owner. */
  @UseGuards(JsonContentTypeGuard)
  @Post('orgs')
  async create(@Body() body: CreateOrganizationDto, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<Organization> {
    requireFeature(this.options.enabled);
    const name = body.name.trim();
    if (!name || name.length > this.options.maxNameLength) throw new ValidationFailedError([`name must be 1 to ${this.options.maxNameLength} characters`]);
    await this.limiter.charge('orgCreate', { user: me.id }, clientInfo(req));
    return this.organizations.create(me, name, clientInfo(req));
  }

  /** 200: the caller's organizations with the caller's roles. */
  @Get('orgs')
  @Header('Cache-Control', 'no-store')
  list(@CurrentUser() me: AuthenticatedUser): Promise<UserOrganization[]> {
    requireFeature(this.options.enabled);
    return this.organizations.list(me.id);
  }

  /** 200: a new access token whose `org` and `org_roles` name the organization (null: none); 403 for a non-member. */
  @UseGuards(JsonContentTypeGuard)
  @Post('orgs/active')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  activate(@Body() body: ActiveOrganizationDto, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<OrganizationSwitchResponse> {
    requireFeature(this.options.enabled);
    return this.switcher.switch(me, body.orgId, clientInfo(req));
  }

  /** 200 `{ requireMfa }`: the active organization's policy set (`owner`). */
  @OrgRoles('owner')
  @UseGuards(JsonContentTypeGuard)
  @Patch('orgs/:orgId')
  async setPolicy(
    @Param('orgId') orgId: string, @Body() body: OrganizationPolicyDto, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest,
  ): Promise<{ requireMfa: boolean }> {
    requireFeature(this.options.enabled);
    return this.organizations.setPolicy(me, orgId, body.requireMfa, clientInfo(req));
  }

  /**
   * 204: the active organization deleted with its memberships and pending invitations (`owner`, and a recent sign-in
   * that used the second factor when the user has one: else 401 `reauthentication_required`).
   */
  @RequireRecentAuth({ secondFactor: true })
  @OrgRoles('owner')
  @Delete('orgs/:orgId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param('orgId') orgId: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.enabled);
    await this.organizations.delete(me, orgId, clientInfo(req));
  }

  /** 200: the caller joined (the invitation is used up). 400, 403 (another or unverified email), 409 already a member. */
  @UseGuards(JsonContentTypeGuard)
  @Post('orgs/invitations/accept')
  @HttpCode(HttpStatus.OK)
  accept(@Body() body: AcceptInvitationDto, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<{ orgId: string; roles: string[] }> {
    requireFeature(this.options.enabled);
    return this.invitations.accept(me, body.token, clientInfo(req));
  }
}

/**
 * The routes on one organization's members: each works on the session's active organization only (`@OrgRoles`: 403
 * `org_not_active` for another `:orgId`).
 */
@UseGuards(AccessTokenGuard)
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class OrganizationMembersController {
  constructor(
    protected readonly organizations: OrganizationsService,
    protected readonly invitations: OrganizationInvitations,
    @Inject(ORGANIZATIONS_OPTIONS) protected readonly options: ResolvedOrganizationsOptions,
    protected readonly limiter: RouteLimiter,
  ) {}

  /** 200: the members of the active organization. */
  @OrgRoles('member')
  @Get('orgs/:orgId/members')
  @Header('Cache-Control', 'no-store')
  members(@Param('orgId') orgId: string, @CurrentUser() me: AuthenticatedUser): Promise<OrganizationMembership[]> {
    requireFeature(this.options.enabled);
    return this.organizations.members(me, orgId);
  }

  /** 201: the invitation is stored and its link mailed (`admin`; inviting an owner needs `owner`). 429 per inviting user. */
  @OrgRoles('admin')
  @UseGuards(JsonContentTypeGuard)
  @Post('orgs/:orgId/invitations')
  async invite(@Param('orgId') orgId: string, @Body() body: InviteMemberDto, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<InvitationSent> {
    requireFeature(this.options.enabled);
    await this.limiter.charge('orgInvitation', { user: me.id }, clientInfo(req));
    return this.invitations.invite(me, orgId, body.email, body.roles, clientInfo(req));
  }

  /** 200: the pending invitations of the active organization (`admin`): id, email, roles, inviter, expiry; never the token. */
  @OrgRoles('admin')
  @Get('orgs/:orgId/invitations')
  @Header('Cache-Control', 'no-store')
  pending(@Param('orgId') orgId: string, @CurrentUser() me: AuthenticatedUser): Promise<PendingInvitation[]> {
    requireFeature(this.options.enabled);
    return this.invitations.pending(me, orgId);
  }

  /** 204: the invitation revoked, its link refused from now on (`admin`; an owner invitation needs `owner`). 404 when none. */
  @OrgRoles('admin')
  @Delete('orgs/:orgId/invitations/:invitationId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revoke(
    @Param('orgId') orgId: string, @Param('invitationId') invitationId: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest,
  ): Promise<void> {
    requireFeature(this.options.enabled);
    await this.invitations.revoke(me, orgId, invitationId, clientInfo(req));
  }

  /** 200 `{ roles }`: the member's roles replaced (`admin`; owners' roles need `owner`). 409 `org_last_owner`. */
  @OrgRoles('admin')
  @UseGuards(JsonContentTypeGuard)
  @Patch('orgs/:orgId/members/:userId')
  async setRoles(
    @Param('orgId') orgId: string, @Param('userId') userId: string, @Body() body: OrganizationRolesDto, @CurrentUser() me: AuthenticatedUser,
    @Req() req: ClientRequest,
  ): Promise<{ roles: string[] }> {
    requireFeature(this.options.enabled);
    return { roles: await this.organizations.setRoles(me, orgId, userId, body.roles, clientInfo(req)) };
  }

  /** 204: the member removed, or the caller left (its own id). 409 `org_last_owner`. */
  @OrgRoles('member')
  @Delete('orgs/:orgId/members/:userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@Param('orgId') orgId: string, @Param('userId') userId: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.enabled);
    await this.organizations.remove(me, orgId, userId, clientInfo(req));
  }

  /** 204: `userId` is an owner, the caller an admin. */
  @OrgRoles('owner')
  @UseGuards(JsonContentTypeGuard)
  @Post('orgs/:orgId/transfer')
  @HttpCode(HttpStatus.NO_CONTENT)
  async transfer(@Param('orgId') orgId: string, @Body() body: TransferOwnershipDto, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.enabled);
    await this.organizations.transfer(me, orgId, body.userId, clientInfo(req));
  }
}
