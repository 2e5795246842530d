import { Injectable } from '@nestjs/common';
import type {
  AcceptInvitationResult, MemberChangeResult, Organization, OrganizationInvitation, OrganizationInvitationStore, OrganizationMembership,
  OrganizationStore, TransferResult, UserOrganization,
} from 'nestjs-authkit';
import { DataSource, type EntityManager } from 'typeorm';

interface MemberRow {
  user_id: string;
  roles: string[];
}

/** The organization's member rows, locked for the rest of the transaction (the rules below read them all). */
const lockMembers = (manager: EntityManager, orgId: string): Promise<MemberRow[]> =>
  manager.query('SELECT user_id, roles FROM organization_members WHERE org_id = $1 ORDER BY seq FOR UPDATE', [orgId]);

const setMemberRoles = (manager: EntityManager, orgId: string, userId: string, roles: string[]): Promise<unknown> =>
  manager.query('UPDATE organization_members SET roles = $3 WHERE org_id = $1 AND user_id = $2', [orgId, userId, roles]);

/**
 * nestjs-authkit's `OrganizationStore` with TypeORM on PostgreSQL (plain SQL through the `DataSource`; the tables come
 * from `create-organizations.migration.ts`). Each write is one transaction that locks the organization's member rows
 * first, so the last-owner rule and a transfer cannot race.
 */
@Injectable()
export class TypeOrmOrganizationStore implements OrganizationStore {
  constructor(private readonly dataSource: DataSource, private readonly now: () => number = Date.now) {}

  async create(organization: Organization, ownerId: string, ownerRoles: string[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        'INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id',
        [organization.id, organization.name, organization.createdAt],
      );
      if (inserted.length === 0) return false;
      await manager.query('INSERT INTO organization_members (org_id, user_id, roles) VALUES ($1, $2, $3)', [organization.id, ownerId, ownerRoles]);
      return true;
    });
  }

  async organizationsOf(userId: string): Promise<UserOrganization[]> {
    const rows: Array<{ id: string; name: string; created_at: string; require_mfa: boolean; roles: string[] }> = await this.dataSource.query(
      `SELECT o.id, o.name, o.created_at, o.require_mfa, m.roles FROM organization_members m JOIN organizations o ON o.id = m.org_id
       WHERE m.user_id = $1 ORDER BY o.created_at, o.id`, [userId]);
    return rows.map((row) => ({ id: row.id, name: row.name, createdAt: Number(row.created_at), requireMfa: row.require_mfa, roles: row.roles }));
  }

  async members(orgId: string): Promise<OrganizationMembership[]> {
    const rows: MemberRow[] = await this.dataSource.query('SELECT user_id, roles FROM organization_members WHERE org_id = $1 ORDER BY seq', [orgId]);
    return rows.map((row) => ({ orgId, userId: row.user_id, roles: row.roles }));
  }

  async roles(orgId: string, userId: string): Promise<string[] | null> {
    const [row]: MemberRow[] = await this.dataSource.query('SELECT user_id, roles FROM organization_members WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
    return row ? row.roles : null;
  }

  async setRoles(orgId: string, userId: string, roles: string[] | null, ownerRole: string): Promise<MemberChangeResult> {
    return this.dataSource.transaction(async (manager) => {
      const members = await lockMembers(manager, orgId);
      const current = members.find((m) => m.user_id === userId);
      if (!current) return 'not_member';
      const owners = members.filter((m) => m.roles.includes(ownerRole)).length;
      if (current.roles.includes(ownerRole) && !roles?.includes(ownerRole) && owners <= 1) return 'last_owner';
      if (roles) await setMemberRoles(manager, orgId, userId, roles);
      else await manager.query('DELETE FROM organization_members WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
      return 'ok';
    });
  }

  async transfer(orgId: string, fromUserId: string, toUserId: string, ownerRole: string, formerOwnerRole: string): Promise<TransferResult> {
    return this.dataSource.transaction(async (manager) => {
      const members = await lockMembers(manager, orgId);
      const from = members.find((m) => m.user_id === fromUserId);
      const to = members.find((m) => m.user_id === toUserId);
      if (!from?.roles.includes(ownerRole)) return 'not_owner';
      if (!to) return 'not_member';
      if (!to.roles.includes(ownerRole)) await setMemberRoles(manager, orgId, toUserId, [ownerRole, ...to.roles]);
      const kept = from.roles.filter((role) => role !== ownerRole);
      await setMemberRoles(manager, orgId, fromUserId, kept.includes(formerOwnerRole) ? kept : [formerOwnerRole, ...kept]);
      return 'ok';
    });
  }

  async setPolicy(orgId: string, policy: { requireMfa: boolean }): Promise<boolean> {
    const updated: unknown[] = await this.dataSource.query(
      'WITH done AS (UPDATE organizations SET require_mfa = $2 WHERE id = $1 RETURNING id) SELECT id FROM done', [orgId, policy.requireMfa]);
    return updated.length > 0;
  }

  async delete(orgId: string): Promise<string[] | null> {
    return this.dataSource.transaction(async (manager): Promise<string[] | null> => {
      const members: MemberRow[] = await manager.query('SELECT user_id FROM organization_members WHERE org_id = $1 FOR UPDATE', [orgId]);
      await manager.query('DELETE FROM organization_invitations WHERE org_id = $1', [orgId]);
      await manager.query('DELETE FROM organization_members WHERE org_id = $1', [orgId]);
      await manager.query('DELETE FROM organization_sessions WHERE org_id = $1', [orgId]);
      const deleted: unknown[] = await manager.query('WITH gone AS (DELETE FROM organizations WHERE id = $1 RETURNING id) SELECT id FROM gone', [orgId]);
      return deleted.length === 0 ? null : members.map((m) => m.user_id);
    });
  }

  async activeOrganization(userId: string, sessionId: string): Promise<string | null> {
    const [row]: Array<{ org_id: string }> = await this.dataSource.query(
      'SELECT org_id FROM organization_sessions WHERE user_id = $1 AND session_id = $2 AND expires_at > $3', [userId, sessionId, this.now()]);
    return row?.org_id ?? null;
  }

  async setActiveOrganization(userId: string, sessionId: string, orgId: string | null, ttlMs: number): Promise<void> {
    if (orgId === null) {
      await this.dataSource.query('DELETE FROM organization_sessions WHERE user_id = $1 AND session_id = $2', [userId, sessionId]);
      return;
    }
    await this.dataSource.query(
      `INSERT INTO organization_sessions (user_id, session_id, org_id, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, session_id) DO UPDATE SET org_id = EXCLUDED.org_id, expires_at = EXCLUDED.expires_at`,
      [userId, sessionId, orgId, this.now() + ttlMs],
    );
  }
}

/**
 * nestjs-authkit's `OrganizationInvitationStore` with TypeORM on PostgreSQL: accepting locks the invitation's row,
 * deletes it and inserts the membership in one transaction (of concurrent accepts, one finds the row).
 */
@Injectable()
export class TypeOrmOrganizationInvitationStore implements OrganizationInvitationStore {
  constructor(private readonly dataSource: DataSource) {}

  async invite(invitation: OrganizationInvitation): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO organization_invitations (org_id, hash, email, roles, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [invitation.orgId, invitation.hash, invitation.email, invitation.roles, invitation.invitedBy, invitation.expiresAt],
    );
  }

  async accept(input: { orgId: string; hash: string; email: string; userId: string; now: number }): Promise<AcceptInvitationResult> {
    return this.dataSource.transaction(async (manager): Promise<AcceptInvitationResult> => {
      const key = [input.orgId, input.hash];
      const [invitation]: Array<{ email: string; roles: string[]; expires_at: string }> = await manager.query(
        'SELECT email, roles, expires_at FROM organization_invitations WHERE org_id = $1 AND hash = $2 FOR UPDATE', key);
      if (!invitation) return { status: 'invalid' };
      const remove = () => manager.query('DELETE FROM organization_invitations WHERE org_id = $1 AND hash = $2', key);
      if (Number(invitation.expires_at) <= input.now) {
        await remove();
        return { status: 'invalid' };
      }
      if (invitation.email !== input.email) return { status: 'email_mismatch' };
      await remove();
      const inserted: unknown[] = await manager.query(
        'INSERT INTO organization_members (org_id, user_id, roles) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id',
        [input.orgId, input.userId, invitation.roles],
      );
      return inserted.length === 0 ? { status: 'already_member' } : { status: 'accepted', roles: invitation.roles };
    });
  }

  async pending(orgId: string, now: number): Promise<OrganizationInvitation[]> {
    const rows: Array<{ hash: string; email: string; roles: string[]; invited_by: string; expires_at: string }> = await this.dataSource.query(
      'SELECT hash, email, roles, invited_by, expires_at FROM organization_invitations WHERE org_id = $1 AND expires_at > $2 ORDER BY expires_at, hash',
      [orgId, now],
    );
    return rows.map((row) => ({ orgId, hash: row.hash, email: row.email, roles: row.roles, invitedBy: row.invited_by, expiresAt: Number(row.expires_at) }));
  }

  async revoke(orgId: string, hash: string): Promise<boolean> {
    // A DELETE's reply through TypeORM is [rows, count]; selected from a CTE it is the rows.
    const deleted: unknown[] = await this.dataSource.query(
      'WITH gone AS (DELETE FROM organization_invitations WHERE org_id = $1 AND hash = $2 RETURNING hash) SELECT hash FROM gone', [orgId, hash]);
    return deleted.length > 0;
  }
}
