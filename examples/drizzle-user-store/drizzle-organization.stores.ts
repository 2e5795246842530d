import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt } from 'drizzle-orm';
import type {
  AcceptInvitationResult, MemberChangeResult, Organization, OrganizationInvitation, OrganizationInvitationStore, OrganizationMembership,
  OrganizationStore, TransferResult, UserOrganization,
} from 'nestjs-authkit';
import { type Database, DRIZZLE, isUniqueViolation } from './drizzle.provider';
import { organizationInvitations, organizationMembers, organizations, organizationSessions } from './organizations.schema';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The organization's member rows, locked for the rest of the transaction (the rules below read them all). */
function lockMembers(tx: Transaction, orgId: string) {
  return tx.select({ userId: organizationMembers.userId, roles: organizationMembers.roles }).from(organizationMembers)
    .where(eq(organizationMembers.orgId, orgId)).orderBy(asc(organizationMembers.seq)).for('update');
}

/**
 * nestjs-authkit's `OrganizationStore` with Drizzle on PostgreSQL. Each write is one transaction that locks the
 * organization's member rows first (`SELECT ... FOR UPDATE`), so the last-owner rule and a transfer cannot race.
 */
@Injectable()
export class DrizzleOrganizationStore implements OrganizationStore {
  constructor(@Inject(DRIZZLE) private readonly db: Database, private readonly now: () => number = Date.now) {}

  async create(organization: Organization, ownerId: string, ownerRoles: string[]): Promise<boolean> {
    try {
      await this.db.transaction(async (tx) => {
        await tx.insert(organizations).values(organization);
        await tx.insert(organizationMembers).values({ orgId: organization.id, userId: ownerId, roles: [...ownerRoles] });
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async organizationsOf(userId: string): Promise<UserOrganization[]> {
    const rows = await this.db.select({ organization: organizations, roles: organizationMembers.roles }).from(organizationMembers)
      .innerJoin(organizations, eq(organizations.id, organizationMembers.orgId))
      .where(eq(organizationMembers.userId, userId)).orderBy(asc(organizations.createdAt), asc(organizations.id));
    return rows.map(({ organization, roles }) => ({ ...organization, roles }));
  }

  async members(orgId: string): Promise<OrganizationMembership[]> {
    const rows = await this.db.select({ userId: organizationMembers.userId, roles: organizationMembers.roles }).from(organizationMembers)
      .where(eq(organizationMembers.orgId, orgId)).orderBy(asc(organizationMembers.seq));
    return rows.map((row) => ({ orgId, ...row }));
  }

  async roles(orgId: string, userId: string): Promise<string[] | null> {
    const [row] = await this.db.select({ roles: organizationMembers.roles }).from(organizationMembers)
      .where(and(eq(organizationMembers.orgId, orgId), eq(organizationMembers.userId, userId)));
    return row ? row.roles : null;
  }

  async setRoles(orgId: string, userId: string, roles: string[] | null, ownerRole: string): Promise<MemberChangeResult> {
    return this.db.transaction(async (tx) => {
      const members = await lockMembers(tx, orgId);
      const current = members.find((m) => m.userId === userId);
      if (!current) return 'not_member';
      const owners = members.filter((m) => m.roles.includes(ownerRole)).length;
      if (current.roles.includes(ownerRole) && !roles?.includes(ownerRole) && owners <= 1) return 'last_owner';
      const member = and(eq(organizationMembers.orgId, orgId), eq(organizationMembers.userId, userId));
      if (roles) await tx.update(organizationMembers).set({ roles: [...roles] }).where(member);
      else await tx.delete(organizationMembers).where(member);
      return 'ok';
    });
  }

  async transfer(orgId: string, fromUserId: string, toUserId: string, ownerRole: string, formerOwnerRole: string): Promise<TransferResult> {
    return this.db.transaction(async (tx) => {
      const members = await lockMembers(tx, orgId);
      const from = members.find((m) => m.userId === fromUserId);
      const to = members.find((m) => m.userId === toUserId);
      if (!from?.roles.includes(ownerRole)) return 'not_owner';
      if (!to) return 'not_member';
      const set = (userId: string, roles: string[]) =>
        tx.update(organizationMembers).set({ roles }).where(and(eq(organizationMembers.orgId, orgId), eq(organizationMembers.userId, userId)));
      if (!to.roles.includes(ownerRole)) await set(toUserId, [ownerRole, ...to.roles]);
      const kept = from.roles.filter((role) => role !== ownerRole);
      await set(fromUserId, kept.includes(formerOwnerRole) ? kept : [formerOwnerRole, ...kept]);
      return 'ok';
    });
  }

  async setPolicy(orgId: string, policy: { requireMfa: boolean }): Promise<boolean> {
    const updated = await this.db.update(organizations).set({ requireMfa: policy.requireMfa }).where(eq(organizations.id, orgId)).returning({ id: organizations.id });
    return updated.length > 0;
  }

  async delete(orgId: string): Promise<string[] | null> {
    return this.db.transaction(async (tx) => {
      const members = await lockMembers(tx, orgId);
      await tx.delete(organizationInvitations).where(eq(organizationInvitations.orgId, orgId));
      await tx.delete(organizationMembers).where(eq(organizationMembers.orgId, orgId));
      await tx.delete(organizationSessions).where(eq(organizationSessions.orgId, orgId));
      const deleted = await tx.delete(organizations).where(eq(organizations.id, orgId)).returning({ id: organizations.id });
      return deleted.length === 0 ? null : members.map((m) => m.userId);
    });
  }

  async activeOrganization(userId: string, sessionId: string): Promise<string | null> {
    const [row] = await this.db.select({ orgId: organizationSessions.orgId }).from(organizationSessions).where(and(
      eq(organizationSessions.userId, userId), eq(organizationSessions.sessionId, sessionId), gt(organizationSessions.expiresAt, this.now()),
    ));
    return row?.orgId ?? null;
  }

  async setActiveOrganization(userId: string, sessionId: string, orgId: string | null, ttlMs: number): Promise<void> {
    if (orgId === null) {
      await this.db.delete(organizationSessions).where(and(eq(organizationSessions.userId, userId), eq(organizationSessions.sessionId, sessionId)));
      return;
    }
    const expiresAt = this.now() + ttlMs;
    await this.db.insert(organizationSessions).values({ userId, sessionId, orgId, expiresAt })
      .onConflictDoUpdate({ target: [organizationSessions.userId, organizationSessions.sessionId], set: { orgId, expiresAt } });
  }
}

/**
 * nestjs-authkit's `OrganizationInvitationStore` with Drizzle on PostgreSQL: accepting locks the invitation's row,
 * deletes it and inserts the membership in one transaction (of concurrent accepts, one finds the row).
 */
@Injectable()
export class DrizzleOrganizationInvitationStore implements OrganizationInvitationStore {
  constructor(@Inject(DRIZZLE) private readonly db: Database) {}

  async invite(invitation: OrganizationInvitation): Promise<void> {
    await this.db.insert(organizationInvitations).values({ ...invitation, roles: [...invitation.roles] });
  }

  async accept(input: { orgId: string; hash: string; email: string; userId: string; now: number }): Promise<AcceptInvitationResult> {
    return this.db.transaction(async (tx) => {
      const key = and(eq(organizationInvitations.orgId, input.orgId), eq(organizationInvitations.hash, input.hash));
      const [invitation] = await tx.select().from(organizationInvitations).where(key).for('update');
      if (!invitation) return { status: 'invalid' } as const;
      if (invitation.expiresAt <= input.now) {
        await tx.delete(organizationInvitations).where(key);
        return { status: 'invalid' } as const;
      }
      if (invitation.email !== input.email) return { status: 'email_mismatch' } as const;
      await tx.delete(organizationInvitations).where(key);
      const inserted = await tx.insert(organizationMembers).values({ orgId: input.orgId, userId: input.userId, roles: invitation.roles })
        .onConflictDoNothing().returning({ userId: organizationMembers.userId });
      return inserted.length === 0 ? ({ status: 'already_member' } as const) : ({ status: 'accepted', roles: invitation.roles } as const);
    });
  }

  async pending(orgId: string, now: number): Promise<OrganizationInvitation[]> {
    return this.db.select().from(organizationInvitations)
      .where(and(eq(organizationInvitations.orgId, orgId), gt(organizationInvitations.expiresAt, now)))
      .orderBy(asc(organizationInvitations.expiresAt), asc(organizationInvitations.hash));
  }

  async revoke(orgId: string, hash: string): Promise<boolean> {
    const deleted = await this.db.delete(organizationInvitations)
      .where(and(eq(organizationInvitations.orgId, orgId), eq(organizationInvitations.hash, hash))).returning({ hash: organizationInvitations.hash });
    return deleted.length > 0;
  }
}
