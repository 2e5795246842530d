import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OrgRoles, OrgRolesGuard } from '../../../lib/features/organizations/org-roles.guard';
import { resolveOrganizationsOptions } from '../../../lib/features/organizations/organizations.options';

class Routes {
  @OrgRoles('admin') admin(): void {}
  @OrgRoles() any(): void {}
  open(): void {}
}

function context(handler: keyof Routes, user: unknown, type: 'http' | 'graphql', orgId?: string): ExecutionContext {
  const request = { headers: {}, user, params: orgId === undefined ? {} : { orgId } };
  return {
    getType: () => type,
    getClass: () => Routes,
    getHandler: () => Routes.prototype[handler],
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
    getArgByIndex: (i: number) => (type === 'graphql' ? [{}, orgId === undefined ? {} : { orgId }, { req: request }, {}][i] : [request, {}][i]),
    getArgs: () => (type === 'graphql' ? [{}, {}, { req: request }, {}] : [request, {}]),
  } as unknown as ExecutionContext;
}

const user = (org?: string, roles: string[] = []) => ({ id: 'u', sessionId: 's', roles: [], claims: org ? { org, org_roles: roles } : {} });

describe('OrgRolesGuard', () => {
  const guard = new OrgRolesGuard(new Reflector(), resolveOrganizationsOptions({ invitationUrl: 'https://a.test', roles: ['billing'], roleHierarchy: { billing: [] } }));
  const code = (run: () => unknown): string | undefined => {
    try {
      run();
      return undefined;
    } catch (error) {
      return ((error as { getResponse?: () => { code: string } }).getResponse?.() ?? (error as { extensions?: { code: string } }).extensions)?.code;
    }
  };

  it('allows by the active organization\'s roles through the hierarchy; denies without them or without an active organization', () => {
    expect(guard.canActivate(context('admin', user('o1', ['owner']), 'http'))).toBe(true);
    expect(code(() => guard.canActivate(context('admin', user('o1', ['member']), 'http')))).toBe('org_role_required');
    expect(code(() => guard.canActivate(context('admin', user(), 'http')))).toBe('org_not_active');
    expect(code(() => guard.canActivate(context('admin', undefined, 'http')))).toBe('access_token_missing');
    expect(guard.canActivate(context('any', user('o1', ['billing']), 'http'))).toBe(true);
    expect(guard.canActivate(context('open', undefined, 'http'))).toBe(true);
  });

  it("refuses a route whose :orgId is not the active organization (HTTP params, GraphQL arguments)", () => {
    expect(guard.canActivate(context('admin', user('o1', ['admin']), 'http', 'o1'))).toBe(true);
    expect(code(() => guard.canActivate(context('admin', user('o1', ['admin']), 'http', 'o2')))).toBe('org_not_active');
    expect(guard.canActivate(context('admin', user('o1', ['admin']), 'graphql', 'o1'))).toBe(true);
    expect(code(() => guard.canActivate(context('admin', user('o1', ['admin']), 'graphql', 'o2')))).toBe('org_not_active');
  });
});
