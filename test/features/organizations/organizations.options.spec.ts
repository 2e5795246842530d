import { resolveOrganizationsOptions } from '../../../lib/features/organizations/organizations.options';
import { resolveAuthOptions } from '../../../lib/auth.options';

describe('organizations options', () => {
  it('off without the option; with it, the built-in roles and hierarchy plus the app\'s', () => {
    expect(resolveOrganizationsOptions(undefined)).toMatchObject({ enabled: false, roles: ['owner', 'admin', 'member'] });
    const resolved = resolveOrganizationsOptions({ invitationUrl: 'https://app.test/i', roles: ['billing'], roleHierarchy: { admin: ['billing'] } });
    expect(resolved).toEqual({
      enabled: true, invitationUrl: 'https://app.test/i', invitationTtlSeconds: 604_800, roles: ['owner', 'admin', 'member', 'billing'],
      roleHierarchy: { owner: ['admin'], admin: ['member', 'billing'] }, maxNameLength: 100, stores: null,
    });
  });

  it.each([
    [{}, 'organizations.invitationUrl'],
    [{ invitationUrl: 'javascript:alert(1)' }, 'organizations.invitationUrl'],
    [{ invitationUrl: 'https://a.test', roles: ['Bad Role'] }, 'organizations.roles'],
    [{ invitationUrl: 'https://a.test', roleHierarchy: { ghost: ['member'] } }, 'organizations.roleHierarchy.ghost'],
    [{ invitationUrl: 'https://a.test', roleHierarchy: { admin: ['ghost'] } }, 'organizations.roleHierarchy.admin'],
    [{ invitationUrl: 'https://a.test', invitationTtlSeconds: 0 }, 'organizations.invitationTtlSeconds'],
    [{ invitationUrl: 'https://a.test', invitationUrls: 'typo' }, 'organizations.invitationUrls'],
    [{ invitationUrl: 'https://a.test', stores: { organizations: {}, invitations: {} } }, 'organizations.stores.organizations'],
  ])('refuses %j, naming %s', (given, option) => {
    expect(() => resolveOrganizationsOptions(given as never)).toThrow(option);
  });

  it('is a top-level option of the module', () => {
    expect(resolveAuthOptions({ jwt: { secret: 'x'.repeat(32) }, organizations: { invitationUrl: 'https://a.test' } }).organizations.enabled).toBe(true);
  });
});
