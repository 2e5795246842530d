import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { ValidationFailedError } from '../../core/errors/auth.errors';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { SESSION_VERSIONS, type SessionVersions } from '../../core/ports/session-versions.interface';
import { OrganizationEvent } from './organizations.events';
import {
  LastOwnerError, OrganizationMemberNotFoundError, OrganizationMembershipRequiredError, OrganizationRoleRequiredError,
} from './organizations.errors';
import { ADMIN_ROLE, MEMBER_ROLE, OWNER_ROLE } from './organizations.options';
import { OrganizationRoles } from './organization-roles';
import {
  type MemberChangeResult, type Organization, type OrganizationMembership, OrganizationStore, type UserOrganization,
} from './organization-store.interface';

/**
 * Organizations and their members: creation, listing, role changes, removal (and leaving), ownership transfer. Each
 * change is one atomic store call (the last-owner rule inside it); then the member's claims version is bumped
 * (`SessionVersions`), so every access token of that member that carries organization claims is refused at its next
 * request (401 `access_token_stale`) and the refresh that follows signs the new roles. The actor's own right is
 * checked against the store (the route's `@OrgRoles` already checked the token's claims).
 */
@Injectable()
export class OrganizationsService {
  constructor(
    @Inject(OrganizationStore) private readonly store: OrganizationStore,
    private readonly roles: OrganizationRoles,
    private readonly events: AuthEvents,
    @Inject(SESSION_VERSIONS) private readonly versions: SessionVersions | null,
  ) {}

  /** Creates an organization whose owner is the actor. */
  async create(actor: AuthenticatedUser, name: string, client: ClientInfo): Promise<Organization> {
    const organization = { id: randomBytes(16).toString('base64url'), name, createdAt: Date.now() };
    if (!(await this.store.create(organization, actor.id, [OWNER_ROLE]))) throw new Error('nestjs-authkit: organization id collision');
    this.events.emitFor(client, OrganizationEvent.OrgCreated, { userId: actor.id, orgId: organization.id, roles: [OWNER_ROLE] });
    return organization;
  }

  /** The actor's organizations, with the actor's roles in each. */
  list(userId: string): Promise<UserOrganization[]> {
    return this.store.organizationsOf(userId);
  }

  /** The members of an organization the actor belongs to. */
  async members(actor: AuthenticatedUser, orgId: string): Promise<OrganizationMembership[]> {
    this.roles.require(await this.store.roles(orgId, actor.id), MEMBER_ROLE);
    return this.store.members(orgId);
  }

  /**
   * Replaces a member's roles: needs `admin`; giving or taking `owner`, or changing an owner's roles, needs `owner`.
   * 409 `org_last_owner` when it would leave no owner.
   */
  async setRoles(actor: AuthenticatedUser, orgId: string, userId: string, roles: string[], client: ClientInfo): Promise<string[]> {
    const next = this.roles.checked(roles);
    const [actorRoles, current] = await Promise.all([this.store.roles(orgId, actor.id), this.store.roles(orgId, userId)]);
    this.roles.require(actorRoles, ADMIN_ROLE);
    if (current === null) throw new OrganizationMemberNotFoundError();
    if (current.includes(OWNER_ROLE) || next.includes(OWNER_ROLE)) this.roles.require(actorRoles, OWNER_ROLE);
    await this.applied(await this.store.setRoles(orgId, userId, next, OWNER_ROLE), userId);
    this.events.emitFor(client, OrganizationEvent.OrgMemberRolesChanged, { userId, actorId: actor.id, orgId, roles: next });
    return next;
  }

  /**
   * Removes a member, or the actor leaves (`userId` is the actor's own). Removing another needs `admin` (`owner` to
   * remove an owner). 409 `org_last_owner` for the last owner.
   */
  async remove(actor: AuthenticatedUser, orgId: string, userId: string, client: ClientInfo): Promise<void> {
    const leaving = userId === actor.id;
    if (!leaving) {
      const [actorRoles, current] = await Promise.all([this.store.roles(orgId, actor.id), this.store.roles(orgId, userId)]);
      this.roles.require(actorRoles, ADMIN_ROLE);
      if (current === null) throw new OrganizationMemberNotFoundError();
      if (current.includes(OWNER_ROLE)) this.roles.require(actorRoles, OWNER_ROLE);
    }
    await this.applied(await this.store.setRoles(orgId, userId, null, OWNER_ROLE), userId);
    this.events.emitFor(client, OrganizationEvent.OrgMemberRemoved, { userId, actorId: actor.id, orgId, reason: leaving ? 'left' : 'removed' });
  }

  /** The actor (an owner) hands `owner` to another member and becomes `admin`. */
  async transfer(actor: AuthenticatedUser, orgId: string, userId: string, client: ClientInfo): Promise<void> {
    if (userId === actor.id) throw new ValidationFailedError(['userId must be another member']);
    const result = await this.store.transfer(orgId, actor.id, userId, OWNER_ROLE, ADMIN_ROLE);
    if (result === 'not_owner') throw new OrganizationRoleRequiredError();
    if (result === 'not_member') throw new OrganizationMemberNotFoundError();
    await this.bump(actor.id);
    await this.bump(userId);
    this.events.emitFor(client, OrganizationEvent.OrgOwnershipTransferred, { userId, actorId: actor.id, orgId, roles: [OWNER_ROLE] });
  }

  /** Sets the organization's policy (needs `owner`): with `requireMfa`, making it active needs a second factor. */
  async setPolicy(actor: AuthenticatedUser, orgId: string, requireMfa: boolean, client: ClientInfo): Promise<{ requireMfa: boolean }> {
    this.roles.require(await this.store.roles(orgId, actor.id), OWNER_ROLE);
    if (!(await this.store.setPolicy(orgId, { requireMfa }))) throw new OrganizationMembershipRequiredError();
    this.events.emitFor(client, OrganizationEvent.OrgPolicyChanged, { userId: actor.id, orgId, requireMfa });
    return { requireMfa };
  }

  /**
   * Deletes the organization (the actor must be an owner; the route also asks for a recent sign-in): memberships and
   * pending invitations go, and every former member's claims version is bumped, so their tokens naming it are refused
   * at the next request and the refresh drops it.
   */
  async delete(actor: AuthenticatedUser, orgId: string, client: ClientInfo): Promise<void> {
    this.roles.require(await this.store.roles(orgId, actor.id), OWNER_ROLE);
    const members = await this.store.delete(orgId);
    if (members === null) throw new OrganizationMembershipRequiredError();
    await Promise.all(members.map((userId) => this.bump(userId)));
    this.events.emitFor(client, OrganizationEvent.OrgDeleted, { userId: actor.id, orgId });
  }

  private async applied(result: MemberChangeResult, userId: string): Promise<void> {
    if (result === 'not_member') throw new OrganizationMemberNotFoundError();
    if (result === 'last_owner') throw new LastOwnerError();
    await this.bump(userId);
  }

  /** After the store changed: the member's tokens with organization claims are refused from their next request. */
  private async bump(userId: string): Promise<void> {
    await this.versions?.bump(userId);
  }
}
