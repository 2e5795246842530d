import { MemorySessionStore } from '../../../lib/adapters/memory/memory-session.store';
import { MemorySessionVersions } from '../../../lib/adapters/memory/memory-session-versions';
import type { AuthenticatedUser } from '../../../lib/core/auth.types';
import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';
import { MemoryOrganizationData, MemoryOrganizationInvitationStore, MemoryOrganizationStore } from '../../../lib/features/organizations/memory-organization.stores';
import { OrganizationRoles } from '../../../lib/features/organizations/organization-roles';
import { OrganizationsService } from '../../../lib/features/organizations/organizations.service';
import { resolveOrganizationsOptions } from '../../../lib/features/organizations/organizations.options';
import { CONTRACT_SETTINGS } from '../../../lib/testing/session-store.contract';

const actor = (id: string): AuthenticatedUser => ({ id, sessionId: `s-${id}`, roles: [] });

function fixture() {
  const data = new MemoryOrganizationData();
  const store = new MemoryOrganizationStore(data);
  const invitations = new MemoryOrganizationInvitationStore(data);
  const sessions = new MemorySessionStore(CONTRACT_SETTINGS);
  const versions = new MemorySessionVersions(sessions);
  const events = new AuthEvents();
  const emitted: Array<{ name: string; payload: Record<string, unknown> }> = [];
  for (const name of ['authkit.org.created', 'authkit.org.member_roles_changed', 'authkit.org.member_removed', 'authkit.org.ownership_transferred'] as const) {
    events.subscribe(name, (payload) => emitted.push({ name, payload: payload as unknown as Record<string, unknown> }));
  }
  const roles = new OrganizationRoles(resolveOrganizationsOptions({ invitationUrl: 'https://app.test/i', roles: ['billing'] }));
  const service = new OrganizationsService(store, roles, events, versions);
  const join = async (orgId: string, userId: string, memberRoles: string[]) => {
    await invitations.invite({ orgId, hash: `h-${userId}`, email: `${userId}@x.test`, roles: memberRoles, invitedBy: 'x', expiresAt: Date.now() + 60_000 });
    await invitations.accept({ orgId, hash: `h-${userId}`, email: `${userId}@x.test`, userId, now: Date.now() });
  };
  return { store, sessions, versions, service, emitted, join };
}

describe('OrganizationsService', () => {
  it("checks the actor's rights in the store, bumps the member's claims version after each change, emits an event", async () => {
    const { service, sessions, versions, emitted, join, store } = fixture();
    const org = await service.create(actor('owner'), 'Acme', {});
    await join(org.id, 'admin', ['admin']);
    await join(org.id, 'member', ['member']);
    await sessions.create({ userId: 'member', sessionId: 's-member', secretHash: 'h'.repeat(43) });

    await expect(service.setRoles(actor('member'), org.id, 'admin', ['member'], {})).rejects.toMatchObject({ code: 'org_role_required' });
    await expect(service.setRoles(actor('admin'), org.id, 'owner', ['member'], {})).rejects.toMatchObject({ code: 'org_role_required' });
    await expect(service.setRoles(actor('admin'), org.id, 'member', ['owner'], {})).rejects.toMatchObject({ code: 'org_role_required' });
    await expect(service.setRoles(actor('admin'), org.id, 'member', ['nope'], {})).rejects.toMatchObject({ code: 'org_role_invalid' });
    await expect(service.setRoles(actor('admin'), org.id, 'ghost', ['member'], {})).rejects.toMatchObject({ code: 'org_member_not_found' });
    expect(await versions.current('member')).toBe(0);

    expect(await service.setRoles(actor('admin'), org.id, 'member', ['member', 'billing', 'billing'], {})).toEqual(['member', 'billing']);
    expect(await versions.current('member')).toBe(1);
    await service.remove(actor('admin'), org.id, 'member', {});
    expect(await versions.current('member')).toBe(2);
    expect(await store.roles(org.id, 'member')).toBeNull();
    await expect(service.remove(actor('admin'), org.id, 'owner', {})).rejects.toMatchObject({ code: 'org_role_required' });
    await expect(service.remove(actor('owner'), org.id, 'owner', {})).rejects.toMatchObject({ code: 'org_last_owner' });
    expect(emitted.map((e) => [e.name, e.payload.userId, e.payload.actorId])).toEqual([
      ['authkit.org.created', 'owner', undefined],
      ['authkit.org.member_roles_changed', 'member', 'admin'],
      ['authkit.org.member_removed', 'member', 'admin'],
    ]);
    expect(emitted[2].payload.reason).toBe('removed');
  });

  it('transfers the ownership: the actor must own, the target be a member and another user', async () => {
    const { service, join, store } = fixture();
    const org = await service.create(actor('owner'), 'Acme', {});
    await join(org.id, 'next', ['member']);
    await expect(service.transfer(actor('next'), org.id, 'owner', {})).rejects.toMatchObject({ code: 'org_role_required' });
    await expect(service.transfer(actor('owner'), org.id, 'owner', {})).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(service.transfer(actor('owner'), org.id, 'ghost', {})).rejects.toMatchObject({ code: 'org_member_not_found' });
    await service.transfer(actor('owner'), org.id, 'next', {});
    expect(await store.roles(org.id, 'next')).toEqual(['owner', 'member']);
    expect(await store.roles(org.id, 'owner')).toEqual(['admin']);
    await service.remove(actor('owner'), org.id, 'owner', {});
    expect(await service.list('owner')).toEqual([]);
  });
});
