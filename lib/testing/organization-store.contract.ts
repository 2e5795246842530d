import type { OrganizationInvitationStore, OrganizationStore } from '../features/organizations/organization-store.interface';

/** A fresh pair of stores over the same data, for one test. */
export type OrganizationStoresFactory = () =>
  | { organizations: OrganizationStore; invitations: OrganizationInvitationStore }
  | Promise<{ organizations: OrganizationStore; invitations: OrganizationInvitationStore }>;

const NOW = 1_900_000_000_000;
let unique = 0;
const id = (what: string): string => `${what}-${Date.now().toString(36)}-${++unique}`;
const hash = (n: number): string => n.toString(16).padStart(43, 'a');

/**
 * The behaviour every `OrganizationStore` + `OrganizationInvitationStore` pair must have (the memory and Redis adapters
 * pass it): the creator is the first member; the last owner cannot go; a transfer is one step; an invitation is used
 * once (of concurrent accepts, one makes the membership), only by its address, never after it expired.
 */
export function describeOrganizationStoreContract(name: string, factory: OrganizationStoresFactory): void {
  describe(`OrganizationStore contract: ${name}`, () => {
    let organizations: OrganizationStore;
    let invitations: OrganizationInvitationStore;
    beforeEach(async () => {
      ({ organizations, invitations } = await factory());
    });

    async function organization(owner: string): Promise<string> {
      const orgId = id('org');
      expect(await organizations.create({ id: orgId, name: `Org ${orgId}`, createdAt: NOW + unique }, owner, ['owner'])).toBe(true);
      return orgId;
    }

    it('creates an organization with its owner; an id is taken once; lists the user\'s organizations with the roles', async () => {
      const owner = id('user');
      const orgId = await organization(owner);
      expect(await organizations.create({ id: orgId, name: 'again', createdAt: NOW }, id('user'), ['owner'])).toBe(false);
      expect(await organizations.roles(orgId, owner)).toEqual(['owner']);
      expect(await organizations.members(orgId)).toEqual([{ orgId, userId: owner, roles: ['owner'] }]);
      const second = await organization(owner);
      const listed = await organizations.organizationsOf(owner);
      expect(listed.map((o) => [o.id, o.roles])).toEqual([[orgId, ['owner']], [second, ['owner']]]);
      expect(listed[0].name).toBe(`Org ${orgId}`);
      expect(await organizations.organizationsOf(id('user'))).toEqual([]);
      expect(await organizations.members(id('org'))).toEqual([]);
      expect(await organizations.roles(orgId, id('user'))).toBeNull();
    });

    it('changes roles and removes members, but never the last owner', async () => {
      const owner = id('user');
      const orgId = await organization(owner);
      expect(await organizations.setRoles(orgId, owner, ['admin'], 'owner')).toBe('last_owner');
      expect(await organizations.setRoles(orgId, owner, null, 'owner')).toBe('last_owner');
      expect(await organizations.setRoles(orgId, id('user'), ['admin'], 'owner')).toBe('not_member');
      expect(await organizations.setRoles(orgId, owner, ['owner', 'billing'], 'owner')).toBe('ok');
      expect(await organizations.roles(orgId, owner)).toEqual(['owner', 'billing']);
      const other = id('user');
      const token = hash(1);
      await invitations.invite({ orgId, hash: token, email: 'b@example.com', roles: ['owner'], invitedBy: owner, expiresAt: NOW + 60_000 });
      expect(await invitations.accept({ orgId, hash: token, email: 'b@example.com', userId: other, now: NOW })).toEqual({ status: 'accepted', roles: ['owner'] });
      expect(await organizations.setRoles(orgId, owner, null, 'owner')).toBe('ok');
      expect(await organizations.roles(orgId, owner)).toBeNull();
      expect(await organizations.organizationsOf(owner)).toEqual([]);
      expect(await organizations.setRoles(orgId, other, ['member'], 'owner')).toBe('last_owner');
    });

    it('transfers the ownership in one step', async () => {
      const owner = id('user');
      const member = id('user');
      const orgId = await organization(owner);
      await invitations.invite({ orgId, hash: hash(2), email: 'm@example.com', roles: ['member'], invitedBy: owner, expiresAt: NOW + 60_000 });
      await invitations.accept({ orgId, hash: hash(2), email: 'm@example.com', userId: member, now: NOW });
      expect(await organizations.transfer(orgId, member, owner, 'owner', 'admin')).toBe('not_owner');
      expect(await organizations.transfer(orgId, owner, id('user'), 'owner', 'admin')).toBe('not_member');
      expect(await organizations.transfer(orgId, owner, member, 'owner', 'admin')).toBe('ok');
      expect(await organizations.roles(orgId, member)).toEqual(['owner', 'member']);
      expect(await organizations.roles(orgId, owner)).toEqual(['admin']);
    });

    it('an invitation: only its address, once, not after it expired; of concurrent accepts exactly one makes the membership', async () => {
      const owner = id('user');
      const orgId = await organization(owner);
      const invitation = { orgId, hash: hash(3), email: 'x@example.com', roles: ['member'], invitedBy: owner, expiresAt: NOW + 60_000 };
      await invitations.invite(invitation);
      const someone = id('user');
      expect(await invitations.accept({ orgId, hash: hash(3), email: 'y@example.com', userId: someone, now: NOW })).toEqual({ status: 'email_mismatch' });
      expect(await invitations.accept({ orgId, hash: hash(4), email: 'x@example.com', userId: someone, now: NOW })).toEqual({ status: 'invalid' });
      const users = Array.from({ length: 6 }, () => id('user'));
      const results = await Promise.all(users.map((userId) => invitations.accept({ orgId, hash: hash(3), email: 'x@example.com', userId, now: NOW })));
      expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'invalid')).toHaveLength(5);
      expect((await organizations.members(orgId)).length).toBe(2);

      await invitations.invite({ ...invitation, hash: hash(5), expiresAt: NOW + 1000 });
      expect(await invitations.accept({ orgId, hash: hash(5), email: 'x@example.com', userId: someone, now: NOW + 1000 })).toEqual({ status: 'invalid' });
      await invitations.invite({ ...invitation, hash: hash(6) });
      expect(await invitations.accept({ orgId, hash: hash(6), email: 'x@example.com', userId: owner, now: NOW })).toEqual({ status: 'already_member' });
      expect(await invitations.accept({ orgId, hash: hash(6), email: 'x@example.com', userId: someone, now: NOW })).toEqual({ status: 'invalid' });
    });

    it('lists the pending invitations (not used, revoked or expired); a revoked invitation is refused at accept', async () => {
      const owner = id('user');
      const orgId = await organization(owner);
      const base = { orgId, email: 'p@example.com', roles: ['member'], invitedBy: owner };
      await invitations.invite({ ...base, hash: hash(7), expiresAt: NOW + 90_000 });
      await invitations.invite({ ...base, hash: hash(8), expiresAt: NOW + 60_000, roles: ['admin', 'member'] });
      await invitations.invite({ ...base, hash: hash(9), expiresAt: NOW + 30_000 });
      await invitations.invite({ ...base, hash: hash(10), expiresAt: NOW });
      expect((await invitations.pending(orgId, NOW)).map((i) => [i.hash, i.expiresAt])).toEqual([
        [hash(9), NOW + 30_000], [hash(8), NOW + 60_000], [hash(7), NOW + 90_000],
      ]);
      expect((await invitations.pending(orgId, NOW)).find((i) => i.hash === hash(8)))
        .toEqual({ ...base, hash: hash(8), expiresAt: NOW + 60_000, roles: ['admin', 'member'] });
      expect(await invitations.pending(id('org'), NOW)).toEqual([]);
      expect(await invitations.accept({ orgId, hash: hash(9), email: 'p@example.com', userId: id('user'), now: NOW })).toMatchObject({ status: 'accepted' });
      expect(await invitations.revoke(orgId, hash(8))).toBe(true);
      expect(await invitations.revoke(orgId, hash(8))).toBe(false);
      expect(await invitations.revoke(id('org'), hash(7))).toBe(false);
      expect(await invitations.accept({ orgId, hash: hash(8), email: 'p@example.com', userId: id('user'), now: NOW })).toEqual({ status: 'invalid' });
      expect((await invitations.pending(orgId, NOW)).map((i) => i.hash)).toEqual([hash(7)]);
      expect(await invitations.pending(orgId, NOW + 90_000)).toEqual([]);
    });

    it("sets an organization's policy (requireMfa), listed with it", async () => {
      const owner = id('user');
      const orgId = await organization(owner);
      expect((await organizations.organizationsOf(owner))[0].requireMfa).toBe(false);
      expect(await organizations.setPolicy(orgId, { requireMfa: true })).toBe(true);
      expect((await organizations.organizationsOf(owner))[0].requireMfa).toBe(true);
      expect(await organizations.setPolicy(orgId, { requireMfa: false })).toBe(true);
      expect((await organizations.organizationsOf(owner))[0].requireMfa).toBe(false);
      expect(await organizations.setPolicy(id('org'), { requireMfa: true })).toBe(false);
    });

    it('deletes an organization with its memberships and pending invitations; answers its former members', async () => {
      const [owner, member] = [id('user'), id('user')];
      const orgId = await organization(owner);
      const kept = await organization(owner);
      const base = { orgId, email: 'd@example.com', roles: ['member'], invitedBy: owner, expiresAt: NOW + 60_000 };
      await invitations.invite({ ...base, hash: hash(11), email: 'm@example.com' });
      await invitations.accept({ orgId, hash: hash(11), email: 'm@example.com', userId: member, now: NOW });
      await invitations.invite({ ...base, hash: hash(12) });
      expect((await organizations.delete(orgId))?.sort()).toEqual([owner, member].sort());
      expect(await organizations.delete(orgId)).toBeNull();
      expect(await organizations.delete(id('org'))).toBeNull();
      expect(await organizations.members(orgId)).toEqual([]);
      expect(await organizations.roles(orgId, owner)).toBeNull();
      expect((await organizations.organizationsOf(owner)).map((o) => o.id)).toEqual([kept]);
      expect(await organizations.organizationsOf(member)).toEqual([]);
      expect(await invitations.pending(orgId, NOW)).toEqual([]);
      expect(await invitations.accept({ orgId, hash: hash(12), email: 'd@example.com', userId: id('user'), now: NOW })).toEqual({ status: 'invalid' });
      expect(await organizations.roles(kept, owner)).toEqual(['owner']);
    });

    it("keeps each session's active organization", async () => {
      const user = id('user');
      expect(await organizations.activeOrganization(user, 's1')).toBeNull();
      await organizations.setActiveOrganization(user, 's1', 'org-a', 60_000);
      await organizations.setActiveOrganization(user, 's2', 'org-b', 60_000);
      expect(await organizations.activeOrganization(user, 's1')).toBe('org-a');
      expect(await organizations.activeOrganization(user, 's2')).toBe('org-b');
      await organizations.setActiveOrganization(user, 's1', null, 60_000);
      expect(await organizations.activeOrganization(user, 's1')).toBeNull();
    });
  });
}
