import type {
  AcceptInvitationResult, MemberChangeResult, Organization, OrganizationInvitation, OrganizationInvitationStore, OrganizationMembership,
  OrganizationStore, TransferResult, UserOrganization,
} from './organization-store.interface';

/** What the two memory adapters share: organizations, memberships (org -> user -> roles, in joining order). */
export class MemoryOrganizationData {
  readonly organizations = new Map<string, Organization>();
  readonly members = new Map<string, Map<string, string[]>>();
  /** `<orgId>\n<hash>` -> the pending invitation. */
  readonly invitations = new Map<string, OrganizationInvitation>();
}

const owners = (members: Map<string, string[]>, ownerRole: string): number => [...members.values()].filter((roles) => roles.includes(ownerRole)).length;

/** In-process `OrganizationStore` (same semantics as `RedisOrganizationStore`), for apps without Redis and tests. */
export class MemoryOrganizationStore implements OrganizationStore {
  private readonly active = new Map<string, { orgId: string; until: number }>();

  constructor(readonly data: MemoryOrganizationData = new MemoryOrganizationData(), private readonly now: () => number = Date.now) {}

  async create(organization: Organization, ownerId: string, ownerRoles: string[]): Promise<boolean> {
    if (this.data.organizations.has(organization.id)) return false;
    this.data.organizations.set(organization.id, { ...organization });
    this.data.members.set(organization.id, new Map([[ownerId, [...ownerRoles]]]));
    return true;
  }

  async organizationsOf(userId: string): Promise<UserOrganization[]> {
    const found: UserOrganization[] = [];
    for (const [orgId, members] of this.data.members) {
      const roles = members.get(userId);
      const organization = this.data.organizations.get(orgId);
      if (roles && organization) found.push({ ...organization, requireMfa: organization.requireMfa === true, roles: [...roles] });
    }
    return found.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  async members(orgId: string): Promise<OrganizationMembership[]> {
    return [...(this.data.members.get(orgId) ?? new Map<string, string[]>())].map(([userId, roles]) => ({ orgId, userId, roles: [...roles] }));
  }

  async roles(orgId: string, userId: string): Promise<string[] | null> {
    const roles = this.data.members.get(orgId)?.get(userId);
    return roles ? [...roles] : null;
  }

  async setRoles(orgId: string, userId: string, roles: string[] | null, ownerRole: string): Promise<MemberChangeResult> {
    const members = this.data.members.get(orgId);
    const current = members?.get(userId);
    if (!members || !current) return 'not_member';
    if (current.includes(ownerRole) && !roles?.includes(ownerRole) && owners(members, ownerRole) <= 1) return 'last_owner';
    if (roles) members.set(userId, [...roles]);
    else members.delete(userId);
    return 'ok';
  }

  async transfer(orgId: string, fromUserId: string, toUserId: string, ownerRole: string, formerOwnerRole: string): Promise<TransferResult> {
    const members = this.data.members.get(orgId);
    const from = members?.get(fromUserId);
    if (!members || !from?.includes(ownerRole)) return 'not_owner';
    const to = members.get(toUserId);
    if (!to) return 'not_member';
    if (!to.includes(ownerRole)) members.set(toUserId, [ownerRole, ...to]);
    const kept = from.filter((role) => role !== ownerRole);
    members.set(fromUserId, kept.includes(formerOwnerRole) ? kept : [formerOwnerRole, ...kept]);
    return 'ok';
  }

  async setPolicy(orgId: string, policy: { requireMfa: boolean }): Promise<boolean> {
    const organization = this.data.organizations.get(orgId);
    if (!organization) return false;
    organization.requireMfa = policy.requireMfa;
    return true;
  }

  async delete(orgId: string): Promise<string[] | null> {
    if (!this.data.organizations.delete(orgId)) return null;
    const members = [...(this.data.members.get(orgId)?.keys() ?? [])];
    this.data.members.delete(orgId);
    for (const [key, invitation] of this.data.invitations) if (invitation.orgId === orgId) this.data.invitations.delete(key);
    return members;
  }

  async activeOrganization(userId: string, sessionId: string): Promise<string | null> {
    const entry = this.active.get(`${userId}\n${sessionId}`);
    return entry && entry.until > this.now() ? entry.orgId : null;
  }

  async setActiveOrganization(userId: string, sessionId: string, orgId: string | null, ttlMs: number): Promise<void> {
    const key = `${userId}\n${sessionId}`;
    if (orgId === null) this.active.delete(key);
    else this.active.set(key, { orgId, until: this.now() + ttlMs });
  }
}

/** In-process `OrganizationInvitationStore` over the same data as a `MemoryOrganizationStore`. */
export class MemoryOrganizationInvitationStore implements OrganizationInvitationStore {
  private readonly invitations: Map<string, OrganizationInvitation>;

  constructor(private readonly data: MemoryOrganizationData) {
    this.invitations = data.invitations;
  }

  async invite(invitation: OrganizationInvitation): Promise<void> {
    this.invitations.set(`${invitation.orgId}\n${invitation.hash}`, { ...invitation, roles: [...invitation.roles] });
  }

  async accept(input: { orgId: string; hash: string; email: string; userId: string; now: number }): Promise<AcceptInvitationResult> {
    const key = `${input.orgId}\n${input.hash}`;
    const invitation = this.invitations.get(key);
    if (!invitation || invitation.expiresAt <= input.now) {
      this.invitations.delete(key);
      return { status: 'invalid' };
    }
    if (invitation.email !== input.email) return { status: 'email_mismatch' };
    this.invitations.delete(key);
    const members = this.data.members.get(input.orgId);
    if (!members) return { status: 'invalid' };
    if (members.has(input.userId)) return { status: 'already_member' };
    members.set(input.userId, [...invitation.roles]);
    return { status: 'accepted', roles: [...invitation.roles] };
  }

  async pending(orgId: string, now: number): Promise<OrganizationInvitation[]> {
    return [...this.invitations.values()].filter((i) => i.orgId === orgId && i.expiresAt > now)
      .map((i) => ({ ...i, roles: [...i.roles] })).sort((a, b) => a.expiresAt - b.expiresAt || (a.hash < b.hash ? -1 : 1));
  }

  async revoke(orgId: string, hash: string): Promise<boolean> {
    return this.invitations.delete(`${orgId}\n${hash}`);
  }
}
