import 'reflect-metadata';
import { type ExecutionContext, HttpException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Roles, RolesGuard } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { expandRoleHierarchy } from '../../../lib/core/guards/roles.guard';

function guardWith(roleHierarchy: Record<string, string[]> = {}): RolesGuard {
  return new RolesGuard(new Reflector(), resolveAuthOptions({ jwt: { secret: 'x'.repeat(32) }, roleHierarchy }).roleHierarchy);
}

function setOf(map: Map<string, Set<string>>, role: string): string[] {
  return [...(map.get(role) ?? [])].sort();
}

describe('expandRoleHierarchy', () => {
  it('gives each role itself plus everything it implies, transitively', () => {
    const closure = expandRoleHierarchy({ admin: ['editor'], editor: ['user', 'commenter'], auditor: ['user'] });
    expect(setOf(closure, 'admin')).toEqual(['admin', 'commenter', 'editor', 'user']);
    expect(setOf(closure, 'editor')).toEqual(['commenter', 'editor', 'user']);
    expect(setOf(closure, 'auditor')).toEqual(['auditor', 'user']);
    expect(closure.has('user')).toBe(false);
  });

  it('terminates on cycles, and every role in a cycle implies the whole cycle', () => {
    const closure = expandRoleHierarchy({ a: ['b'], b: ['c'], c: ['a'], self: ['self'] });
    for (const role of ['a', 'b', 'c']) expect(setOf(closure, role)).toEqual(['a', 'b', 'c']);
    expect(setOf(closure, 'self')).toEqual(['self']);
  });

  it('treats role names that are Object.prototype keys as plain names', () => {
    const closure = expandRoleHierarchy({ admin: ['constructor', 'toString', 'hasOwnProperty'], constructor: ['user'] });
    expect(setOf(closure, 'admin')).toEqual(['admin', 'constructor', 'hasOwnProperty', 'toString', 'user']);
  });

  it('is empty for an empty hierarchy', () => {
    expect(expandRoleHierarchy({}).size).toBe(0);
  });
});

describe('RolesGuard.hasAnyRole', () => {
  it('without a hierarchy: any of the required roles, exact names only', () => {
    const guard = guardWith();
    expect(guard.hasAnyRole(['user'], ['user'])).toBe(true);
    expect(guard.hasAnyRole(['user'], ['admin', 'user'])).toBe(true);
    expect(guard.hasAnyRole(['editor', 'user'], ['admin', 'user'])).toBe(true);
    expect(guard.hasAnyRole(['user'], ['admin'])).toBe(false);
    expect(guard.hasAnyRole([], ['user'])).toBe(false);
    expect(guard.hasAnyRole(['Admin'], ['admin'])).toBe(false);
    expect(guard.hasAnyRole(['admin '], ['admin'])).toBe(false);
  });

  it('applies the hierarchy transitively, downwards only', () => {
    const guard = guardWith({ admin: ['editor'], editor: ['user'] });
    expect(guard.hasAnyRole(['admin'], ['user'])).toBe(true);
    expect(guard.hasAnyRole(['admin'], ['editor'])).toBe(true);
    expect(guard.hasAnyRole(['editor'], ['user'])).toBe(true);
    expect(guard.hasAnyRole(['editor'], ['admin'])).toBe(false);
    expect(guard.hasAnyRole(['user'], ['editor', 'admin'])).toBe(false);
    expect(guard.hasAnyRole(['guest', 'admin'], ['billing', 'user'])).toBe(true);
  });

  it('is safe with cycles', () => {
    const guard = guardWith({ a: ['b'], b: ['a'] });
    expect(guard.hasAnyRole(['a'], ['b'])).toBe(true);
    expect(guard.hasAnyRole(['b'], ['a'])).toBe(true);
    expect(guard.hasAnyRole(['a'], ['c'])).toBe(false);
  });

  it('does not let prototype keys grant anything', () => {
    const guard = guardWith({ admin: ['user'] });
    expect(guard.hasAnyRole(['constructor'], ['admin'])).toBe(false);
    expect(guard.hasAnyRole(['__proto__'], ['user'])).toBe(false);
    expect(guard.hasAnyRole(['toString'], ['toString', 'admin'])).toBe(true);
  });
});

@Roles('editor')
class EditorRoutes {
  edit(): void {}
  @Roles('admin')
  administer(): void {}
}

class OpenRoutes {
  anyone(): void {}
  @Roles()
  emptyList(): void {}
}

type Request = { headers: Record<string, string>; user?: { id: string; roles: string[] } };

function contextFor(type: object, handler: string, request: Request, response = { headers: new Map<string, string>() }): ExecutionContext {
  const res = { setHeader: (name: string, value: string) => response.headers.set(name.toLowerCase(), value) };
  return new ExecutionContextHost([request, res, () => undefined], type as never, (type as { prototype: Record<string, () => void> }).prototype[handler]);
}

/** The status and code of the refusal `canActivate` throws, or 'allowed'. */
function outcome(guard: RolesGuard, context: ExecutionContext): 'allowed' | [number, string] {
  try {
    expect(guard.canActivate(context)).toBe(true);
    return 'allowed';
  } catch (error) {
    expect(error).toBeInstanceOf(HttpException);
    const http = error as HttpException;
    return [http.getStatus(), (http.getResponse() as { code: string }).code];
  }
}

describe('RolesGuard.canActivate', () => {
  const user = (roles: string[]) => ({ headers: {}, user: { id: 'u1', roles } });

  it('a route without @Roles() (or with an empty list) lets anyone through, even without a user', () => {
    const guard = guardWith();
    expect(outcome(guard, contextFor(OpenRoutes, 'anyone', { headers: {} }))).toBe('allowed');
    expect(outcome(guard, contextFor(OpenRoutes, 'emptyList', { headers: {} }))).toBe('allowed');
  });

  it('401 access_token_missing without a user, 403 insufficient_role without the role, through when a role matches', () => {
    const guard = guardWith();
    expect(outcome(guard, contextFor(EditorRoutes, 'edit', { headers: {} }))).toEqual([401, 'access_token_missing']);
    expect(outcome(guard, contextFor(EditorRoutes, 'edit', user(['user'])))).toEqual([403, 'insufficient_role']);
    expect(outcome(guard, contextFor(EditorRoutes, 'edit', user([])))).toEqual([403, 'insufficient_role']);
    expect(outcome(guard, contextFor(EditorRoutes, 'edit', user(['user', 'editor'])))).toBe('allowed');
  });

  it('the handler\'s @Roles() overrides the controller\'s; the hierarchy applies', () => {
    expect(outcome(guardWith(), contextFor(EditorRoutes, 'administer', user(['editor'])))).toEqual([403, 'insufficient_role']);
    expect(outcome(guardWith(), contextFor(EditorRoutes, 'administer', user(['admin'])))).toBe('allowed');
    const ranked = guardWith({ admin: ['editor'] });
    expect(outcome(ranked, contextFor(EditorRoutes, 'edit', user(['admin'])))).toBe('allowed');
    expect(outcome(ranked, contextFor(EditorRoutes, 'administer', user(['editor'])))).toEqual([403, 'insufficient_role']);
  });

  it('a 401 carries WWW-Authenticate on the response', () => {
    const response = { headers: new Map<string, string>() };
    expect(outcome(guardWith(), contextFor(EditorRoutes, 'edit', { headers: {} }, response))).toEqual([401, 'access_token_missing']);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
});
