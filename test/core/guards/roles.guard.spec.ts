import 'reflect-metadata';
import { Reflector } from '@nestjs/core';
import { RolesGuard } from '../../../lib';
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
