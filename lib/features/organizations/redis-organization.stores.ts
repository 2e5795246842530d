import { redisCall } from '../../adapters/redis/redis-call';
import { RedisKeys } from '../../adapters/redis/redis-keys';
import type { RedisClient } from '../../adapters/redis/redis.options';
import {
  ACCEPT_INVITATION, CREATE_ORGANIZATION, DELETE_ORGANIZATION, SET_MEMBER_ROLES, SET_POLICY, TRANSFER_OWNERSHIP,
} from './organization.scripts';
import type {
  AcceptInvitationResult, MemberChangeResult, Organization, OrganizationInvitation, OrganizationInvitationStore, OrganizationMembership,
  OrganizationStore, TransferResult, UserOrganization,
} from './organization-store.interface';

/**
 * Key layout. An organization's keys share the hash tag `{o.<orgId>}` (its record, its members, its invitations), a
 * user's keys the user's tag (`{<userId>}`, as the sessions): every script touches one slot.
 *
 *     <p>:{o.<orgId>}:org            hash   name, createdAt, requireMfa ('1' or '0')
 *     <p>:{o.<orgId>}:m              hash   userId -> roles (comma-joined): the memberships (authoritative)
 *     <p>:{o.<orgId>}:i:<hash>       hash   email, roles, invitedBy, expiresAt (PEXPIREAT expiresAt)
 *     <p>:{o.<orgId>}:is             set    the invitations' hashes (an index for `pending`, pruned on read)
 *     <p>:{<userId>}:orgs            hash   orgId -> '1': the user's organizations (an index, checked on read)
 *     <p>:{<userId>}:org-active      hash   sessionId -> orgId (expires with the sessions' lifetime)
 *
 * The user's index is written before a membership is created and after one is removed, so it always holds every
 * organization of the user (and maybe some left): `organizationsOf` keeps the ones the members hash confirms.
 */
export class OrganizationRedisKeys {
  private readonly users: RedisKeys;

  constructor(private readonly prefix: string) {
    this.users = new RedisKeys(prefix);
  }

  organization(orgId: string): string {
    return `${this.prefix}:{o.${orgId}}:org`;
  }

  members(orgId: string): string {
    return `${this.prefix}:{o.${orgId}}:m`;
  }

  invitation(orgId: string, hash: string): string {
    return `${this.prefix}:{o.${orgId}}:i:${hash}`;
  }

  invitations(orgId: string): string {
    return `${this.prefix}:{o.${orgId}}:is`;
  }

  userOrganizations(userId: string): string {
    return `${this.prefix}:{${this.users.userTag(userId)}}:orgs`;
  }

  activeOrganizations(userId: string): string {
    return `${this.prefix}:{${this.users.userTag(userId)}}:org-active`;
  }
}

interface OrganizationCommands {
  authkitCreateOrganization(organization: string, members: string, name: string, createdAt: number, ownerId: string, roles: string): Promise<number>;
  authkitSetMemberRoles(members: string, userId: string, roles: string, ownerRole: string): Promise<MemberChangeResult>;
  authkitTransferOwnership(members: string, from: string, to: string, ownerRole: string, formerOwnerRole: string): Promise<TransferResult>;
  authkitSetPolicy(organization: string, requireMfa: string): Promise<number>;
  authkitDeleteOrganization(organization: string, members: string, index: string): Promise<[string[], string[]] | null>;
  authkitAcceptInvitation(invitation: string, members: string, index: string, email: string, userId: string, now: number, hash: string): Promise<string[]>;
}

function commandsOf(redis: RedisClient): OrganizationCommands {
  const define = (name: keyof OrganizationCommands, lua: string, numberOfKeys: number) => {
    if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
  };
  define('authkitCreateOrganization', CREATE_ORGANIZATION, 2);
  define('authkitSetMemberRoles', SET_MEMBER_ROLES, 1);
  define('authkitTransferOwnership', TRANSFER_OWNERSHIP, 1);
  define('authkitAcceptInvitation', ACCEPT_INVITATION, 3);
  define('authkitDeleteOrganization', DELETE_ORGANIZATION, 3);
  define('authkitSetPolicy', SET_POLICY, 1);
  return redis as unknown as OrganizationCommands;
}

const rolesOf = (joined: string): string[] => joined.split(',').filter(Boolean);

/** `OrganizationStore` on Redis: one round trip per call, but `organizationsOf` (the index, then each organization). */
export class RedisOrganizationStore implements OrganizationStore {
  private readonly keys: OrganizationRedisKeys;
  private readonly commands: OrganizationCommands;

  constructor(private readonly redis: RedisClient, keyPrefix = 'authkit') {
    this.keys = new OrganizationRedisKeys(keyPrefix);
    this.commands = commandsOf(redis);
  }

  async create(organization: Organization, ownerId: string, ownerRoles: string[]): Promise<boolean> {
    await redisCall(() => this.redis.hset(this.keys.userOrganizations(ownerId), organization.id, '1'));
    const created = await redisCall(() => this.commands.authkitCreateOrganization(
      this.keys.organization(organization.id), this.keys.members(organization.id), organization.name, organization.createdAt, ownerId, ownerRoles.join(','),
    ));
    return created === 1;
  }

  async organizationsOf(userId: string): Promise<UserOrganization[]> {
    const index = this.keys.userOrganizations(userId);
    const ids = await redisCall(() => this.redis.hkeys(index));
    const found = await Promise.all(ids.map(async (orgId): Promise<UserOrganization | null> => {
      const [roles, [name, createdAt, requireMfa]] = await redisCall(() => Promise.all([
        this.redis.hget(this.keys.members(orgId), userId), this.redis.hmget(this.keys.organization(orgId), 'name', 'createdAt', 'requireMfa'),
      ]));
      if (roles === null || name === null) return null;
      return { id: orgId, name, createdAt: Number(createdAt), requireMfa: requireMfa === '1', roles: rolesOf(roles) };
    }));
    return found.filter((o): o is UserOrganization => o !== null).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  async members(orgId: string): Promise<OrganizationMembership[]> {
    const all = await redisCall(() => this.redis.hgetall(this.keys.members(orgId)));
    return Object.entries(all).map(([userId, roles]) => ({ orgId, userId, roles: rolesOf(roles) }));
  }

  async roles(orgId: string, userId: string): Promise<string[] | null> {
    const roles = await redisCall(() => this.redis.hget(this.keys.members(orgId), userId));
    return roles === null ? null : rolesOf(roles);
  }

  async setRoles(orgId: string, userId: string, roles: string[] | null, ownerRole: string): Promise<MemberChangeResult> {
    const result = await redisCall(() => this.commands.authkitSetMemberRoles(this.keys.members(orgId), userId, roles ? roles.join(',') : '', ownerRole));
    if (result === 'ok' && roles === null) await redisCall(() => this.redis.hdel(this.keys.userOrganizations(userId), orgId));
    return result;
  }

  async transfer(orgId: string, fromUserId: string, toUserId: string, ownerRole: string, formerOwnerRole: string): Promise<TransferResult> {
    return redisCall(() => this.commands.authkitTransferOwnership(this.keys.members(orgId), fromUserId, toUserId, ownerRole, formerOwnerRole));
  }

  async setPolicy(orgId: string, policy: { requireMfa: boolean }): Promise<boolean> {
    return (await redisCall(() => this.commands.authkitSetPolicy(this.keys.organization(orgId), policy.requireMfa ? '1' : '0'))) === 1;
  }

  async delete(orgId: string): Promise<string[] | null> {
    const deleted = await redisCall(() =>
      this.commands.authkitDeleteOrganization(this.keys.organization(orgId), this.keys.members(orgId), this.keys.invitations(orgId)));
    if (!deleted) return null;
    const [members, hashes] = deleted;
    if (hashes.length > 0) await redisCall(() => this.redis.del(...hashes.map((hash) => this.keys.invitation(orgId, hash))));
    await redisCall(() => Promise.all(members.map((userId) => this.redis.hdel(this.keys.userOrganizations(userId), orgId))));
    return members;
  }

  async activeOrganization(userId: string, sessionId: string): Promise<string | null> {
    return redisCall(() => this.redis.hget(this.keys.activeOrganizations(userId), sessionId));
  }

  async setActiveOrganization(userId: string, sessionId: string, orgId: string | null, ttlMs: number): Promise<void> {
    const key = this.keys.activeOrganizations(userId);
    if (orgId === null) {
      await redisCall(() => this.redis.hdel(key, sessionId));
      return;
    }
    await redisCall(() => this.redis.multi().hset(key, sessionId, orgId).pexpire(key, ttlMs).exec());
  }
}

/** `OrganizationInvitationStore` on Redis: the invitation and the members hash share the organization's slot. */
export class RedisOrganizationInvitationStore implements OrganizationInvitationStore {
  private readonly keys: OrganizationRedisKeys;
  private readonly commands: OrganizationCommands;

  constructor(private readonly redis: RedisClient, keyPrefix = 'authkit') {
    this.keys = new OrganizationRedisKeys(keyPrefix);
    this.commands = commandsOf(redis);
  }

  async invite(invitation: OrganizationInvitation): Promise<void> {
    const key = this.keys.invitation(invitation.orgId, invitation.hash);
    await redisCall(() => this.redis.multi()
      .hset(key, 'email', invitation.email, 'roles', invitation.roles.join(','), 'invitedBy', invitation.invitedBy, 'expiresAt', String(invitation.expiresAt))
      .pexpireat(key, invitation.expiresAt)
      .sadd(this.keys.invitations(invitation.orgId), invitation.hash)
      .exec());
  }

  async pending(orgId: string, now: number): Promise<OrganizationInvitation[]> {
    const index = this.keys.invitations(orgId);
    const hashes = await redisCall(() => this.redis.smembers(index));
    const found = await redisCall(() => Promise.all(hashes.map((hash) =>
      this.redis.hmget(this.keys.invitation(orgId, hash), 'email', 'roles', 'invitedBy', 'expiresAt'))));
    const gone = hashes.filter((_, i) => found[i][0] === null);
    if (gone.length > 0) await redisCall(() => this.redis.srem(index, ...gone));
    return found.flatMap(([email, roles, invitedBy, expiresAt], i): OrganizationInvitation[] =>
      email === null || Number(expiresAt) <= now ? [] : [{ orgId, hash: hashes[i], email, roles: rolesOf(roles ?? ''), invitedBy: invitedBy ?? '', expiresAt: Number(expiresAt) }])
      .sort((a, b) => a.expiresAt - b.expiresAt || (a.hash < b.hash ? -1 : 1));
  }

  async revoke(orgId: string, hash: string): Promise<boolean> {
    const replies = await redisCall(() => this.redis.multi().del(this.keys.invitation(orgId, hash)).srem(this.keys.invitations(orgId), hash).exec());
    return replies?.[0]?.[1] === 1;
  }

  async accept(input: { orgId: string; hash: string; email: string; userId: string; now: number }): Promise<AcceptInvitationResult> {
    const members = this.keys.members(input.orgId);
    // The index first (it may hold organizations left, never miss one); it is checked on every read.
    await redisCall(() => this.redis.hset(this.keys.userOrganizations(input.userId), input.orgId, '1'));
    const [status, roles] = await redisCall(() =>
      this.commands.authkitAcceptInvitation(
        this.keys.invitation(input.orgId, input.hash), members, this.keys.invitations(input.orgId), input.email, input.userId, input.now, input.hash,
      ));
    if (status === 'accepted') return { status, roles: rolesOf(roles ?? '') };
    return { status: status as 'invalid' | 'email_mismatch' | 'already_member' };
  }
}
