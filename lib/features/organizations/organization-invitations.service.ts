import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser, ClientInfo } from '../../core/auth.types';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { UserStore } from '../../core/ports/user-store.interface';
import { mintOneTimeToken, parseOneTimeToken } from '../../core/tokens/one-time-token';
import { normalizeEmail } from '../../core/users/email';
import { OrganizationEvent } from './organizations.events';
import {
  InvitationEmailMismatchError, InvitationInvalidError, InvitationNotFoundError, OrganizationAlreadyMemberError,
} from './organizations.errors';
import { ADMIN_ROLE, OWNER_ROLE } from './organizations.options';
import { ORG_INVITATION, OrganizationInvitationMailer } from './organization-invitation.mailer';
import { OrganizationRoles } from './organization-roles';
import { OrganizationInvitationStore, OrganizationStore, ORG_ID } from './organization-store.interface';

/** What `POST /auth/orgs/:orgId/invitations` answers (never the token: it goes by mail only). */
export interface InvitationSent {
  /** The invitation's public id (for `DELETE /auth/orgs/:orgId/invitations/:id`): derived from the token's hash, never revealing it. */
  id: string;
  orgId: string;
  roles: string[];
  expiresAt: string;
}

/** A pending invitation as `GET /auth/orgs/:orgId/invitations` lists it (never the token nor its hash). */
export interface PendingInvitation {
  id: string;
  email: string;
  roles: string[];
  invitedBy: string;
  expiresAt: string;
}

/** The public id of an invitation: a one-way digest of its stored hash (which is itself a digest of the mailed secret). */
export const invitationId = (hash: string): string => createHash('sha256').update(`org-invitation-id:${hash}`).digest('base64url').slice(0, 22);

/**
 * Invitations: an admin invites an address with roles; a single-use link (`<orgId>.<256-bit secret>`, only its hash
 * stored, expiring) is mailed in the background; a signed-in user whose VERIFIED email is that address accepts it,
 * which uses it up and creates the membership in one atomic store call (concurrent accepts: one membership).
 */
@Injectable()
export class OrganizationInvitations {
  constructor(
    @Inject(OrganizationInvitationStore) private readonly invitations: OrganizationInvitationStore,
    @Inject(OrganizationStore) private readonly store: OrganizationStore,
    @Inject(UserStore) private readonly users: UserStore,
    private readonly roles: OrganizationRoles,
    private readonly events: AuthEvents,
    private readonly mailer: OrganizationInvitationMailer,
  ) {}

  /** Invites `email` with `roles` (needs `admin`; inviting an `owner` needs `owner`) and mails the link. */
  async invite(actor: AuthenticatedUser, orgId: string, email: string, roles: string[], client: ClientInfo): Promise<InvitationSent> {
    const granted = this.roles.checked(roles);
    const actorRoles = await this.store.roles(orgId, actor.id);
    this.roles.require(actorRoles, ADMIN_ROLE);
    if (granted.includes(OWNER_ROLE)) this.roles.require(actorRoles, OWNER_ROLE);
    const minted = mintOneTimeToken(ORG_INVITATION, orgId);
    const expiresAt = Date.now() + this.mailer.ttlMs;
    const address = normalizeEmail(email);
    await this.invitations.invite({ orgId, hash: minted.hash, email: address, roles: granted, invitedBy: actor.id, expiresAt });
    this.mailer.sendInBackground(address, minted.token);
    this.events.emitFor(client, OrganizationEvent.OrgInvitationSent, { userId: actor.id, orgId, roles: granted });
    return { id: invitationId(minted.hash), orgId, roles: granted, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The organization's pending invitations (needs `admin`), oldest expiry first. */
  async pending(actor: AuthenticatedUser, orgId: string): Promise<PendingInvitation[]> {
    this.roles.require(await this.store.roles(orgId, actor.id), ADMIN_ROLE);
    const pending = await this.invitations.pending(orgId, Date.now());
    return pending.map((i) => ({ id: invitationId(i.hash), email: i.email, roles: i.roles, invitedBy: i.invitedBy, expiresAt: new Date(i.expiresAt).toISOString() }));
  }

  /** Revokes a pending invitation (needs `admin`; an owner invitation needs `owner`): its link is refused from then on. 404 when none. */
  async revoke(actor: AuthenticatedUser, orgId: string, id: string, client: ClientInfo): Promise<void> {
    const actorRoles = await this.store.roles(orgId, actor.id);
    this.roles.require(actorRoles, ADMIN_ROLE);
    const invitation = (await this.invitations.pending(orgId, Date.now())).find((i) => invitationId(i.hash) === id);
    if (!invitation) throw new InvitationNotFoundError();
    if (invitation.roles.includes(OWNER_ROLE)) this.roles.require(actorRoles, OWNER_ROLE);
    if (!(await this.invitations.revoke(orgId, invitation.hash))) throw new InvitationNotFoundError();
    this.events.emitFor(client, OrganizationEvent.OrgInvitationRevoked, { userId: actor.id, orgId, roles: invitation.roles });
  }

  /**
   * Accepts an invitation for the signed-in actor, whose verified email must be the invited one: 400
   * `org_invitation_invalid` (unknown, used, expired), 403 `org_invitation_email_mismatch`, 409 `org_already_member`.
   */
  async accept(actor: AuthenticatedUser, token: unknown, client: ClientInfo): Promise<{ orgId: string; roles: string[] }> {
    const parsed = parseOneTimeToken(ORG_INVITATION, token);
    if (!parsed || !ORG_ID.test(parsed.userId)) throw new InvitationInvalidError();
    const orgId = parsed.userId;
    const user = await this.users.findById(actor.id);
    if (!user?.email || !user.emailVerified || user.disabled) throw new InvitationEmailMismatchError();
    const result = await this.invitations.accept({ orgId, hash: parsed.hash, email: normalizeEmail(user.email), userId: actor.id, now: Date.now() });
    switch (result.status) {
      case 'accepted':
        this.events.emitFor(client, OrganizationEvent.OrgMemberJoined, { userId: actor.id, orgId, roles: result.roles });
        return { orgId, roles: result.roles };
      case 'email_mismatch':
        throw new InvitationEmailMismatchError();
      case 'already_member':
        throw new OrganizationAlreadyMemberError();
      default:
        throw new InvitationInvalidError();
    }
  }
}
