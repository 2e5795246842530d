/** An organization (a tenant). Times are epoch milliseconds. */
export interface Organization {
  id: string;
  name: string;
  createdAt: number;
  /** Policy: members must have signed in with a second factor (`amr` has `mfa`) to make it active. */
  requireMfa?: boolean;
}

/** A user's membership of an organization: the roles the user has there. */
export interface OrganizationMembership {
  orgId: string;
  userId: string;
  roles: string[];
}

/** An organization as listed to one of its members, with the member's roles there. */
export interface UserOrganization extends Organization {
  roles: string[];
}

/**
 * Outcome of `setRoles` (a role change, or a removal with `null`): `not_member` changes nothing; `last_owner` when it
 * would leave the organization without an owner (changes nothing).
 */
export type MemberChangeResult = 'ok' | 'not_member' | 'last_owner';

/** Outcome of `transfer`: `not_owner` when `fromUserId` is not an owner, `not_member` when `toUserId` is no member. */
export type TransferResult = 'ok' | 'not_owner' | 'not_member';

/** A pending invitation. Only the hash of its token is stored. */
export interface OrganizationInvitation {
  orgId: string;
  /** Hash of the mailed token's secret (`mintOneTimeToken`). */
  hash: string;
  /** The invited address, normalized (lower case). */
  email: string;
  roles: string[];
  invitedBy: string;
  expiresAt: number;
}

/** What `accept` answers; only `accepted` used the invitation up (and created the membership, atomically). */
export type AcceptInvitationResult =
  | { status: 'accepted'; roles: string[] }
  | { status: 'invalid' }
  | { status: 'email_mismatch' }
  | { status: 'already_member' };

/**
 * Port of the organizations and their memberships, and of each session's active organization. Every write is one
 * atomic call on ONE organization (single-slot scripts in `RedisOrganizationStore`: Redis Cluster works); the rules
 * that need atomicity (the last owner, a transfer) are checked inside that call. The contract suite in
 * `nestjs-authkit/testing` (`organizationStoreContract`) checks the semantics on every adapter.
 */
export interface OrganizationStore {
  /** Creates the organization with `ownerId` as its first member (`ownerRoles`); false when the id is taken. */
  create(organization: Organization, ownerId: string, ownerRoles: string[]): Promise<boolean>;
  /** The organizations the user is a member of, with the user's roles in each, oldest first. */
  organizationsOf(userId: string): Promise<UserOrganization[]>;
  /** The members of an organization (`[]` for an unknown one). */
  members(orgId: string): Promise<OrganizationMembership[]>;
  /** The user's roles in the organization; null when not a member. */
  roles(orgId: string, userId: string): Promise<string[] | null>;
  /**
   * Replaces a member's roles, or removes the member (`roles` null), unless that leaves the organization without a
   * member holding `ownerRole` (`last_owner`).
   */
  setRoles(orgId: string, userId: string, roles: string[] | null, ownerRole: string): Promise<MemberChangeResult>;
  /**
   * Ownership transfer in one step: `toUserId` gains `ownerRole`; `fromUserId` loses it and gains `formerOwnerRole`
   * (keeping its other roles).
   */
  transfer(orgId: string, fromUserId: string, toUserId: string, ownerRole: string, formerOwnerRole: string): Promise<TransferResult>;
  /**
   * Deletes the organization with its memberships and pending invitations (an invitation link is refused from then
   * on); the ids of its former members, or null when there was no such organization.
   */
  delete(orgId: string): Promise<string[] | null>;
  /** Sets the organization's policy (`requireMfa`); false when there is no such organization. */
  setPolicy(orgId: string, policy: { requireMfa: boolean }): Promise<boolean>;
  /** The session's active organization (as last set), or null. */
  activeOrganization(userId: string, sessionId: string): Promise<string | null>;
  /** Sets (or clears, with null) the session's active organization; it is kept `ttlMs` (the session's lifetime). */
  setActiveOrganization(userId: string, sessionId: string, orgId: string | null, ttlMs: number): Promise<void>;
}

/** Port of the pending invitations; `accept` creates the membership in the same atomic call. */
export interface OrganizationInvitationStore {
  /** Stores an invitation until `expiresAt`. */
  invite(invitation: OrganizationInvitation): Promise<void>;
  /**
   * Uses an invitation up for `userId`, whose verified email is `email` (normalized): atomically, the invitation goes
   * and the membership is created with its roles. A missing, used or expired invitation is `invalid`; another email
   * is `email_mismatch` (the invitation stays for its addressee); a user already a member uses it up for nothing.
   */
  accept(input: { orgId: string; hash: string; email: string; userId: string; now: number }): Promise<AcceptInvitationResult>;
  /** The organization's invitations still pending at `now` (none used, revoked or expired), oldest expiry first. */
  pending(orgId: string, now: number): Promise<OrganizationInvitation[]>;
  /** Deletes a pending invitation (its link is refused from then on); false when there was none. */
  revoke(orgId: string, hash: string): Promise<boolean>;
}

/** Injection tokens of the two ports. */
export const OrganizationStore = Symbol('OrganizationStore');
export const OrganizationInvitationStore = Symbol('OrganizationInvitationStore');

/** Organization ids (generated, base64url): the forms accepted from the network. */
export const ORG_ID = /^[A-Za-z0-9_-]{1,64}$/;
