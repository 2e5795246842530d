import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES_KEY } from '../auth.constants';
import { AccessTokenMissingError, InsufficientRoleError } from '../errors/auth.errors';
import { AuthGuardBase } from './auth-guard.base';
import { ROLE_HIERARCHY } from './roles.options';
import { HandlerMetadataCache } from './handler-metadata.cache';

/** Expands a role hierarchy (`{ admin: ['editor'], editor: ['user'] }`) into each role's full set of implied roles. */
export function expandRoleHierarchy(hierarchy: Record<string, string[]>): Map<string, Set<string>> {
  const closure = new Map<string, Set<string>>();
  const visit = (role: string, into: Set<string>) => {
    if (into.has(role)) return;
    into.add(role);
    for (const implied of Object.hasOwn(hierarchy, role) ? hierarchy[role] : []) visit(implied, into);
  };
  for (const role of Object.keys(hierarchy)) {
    const set = new Set<string>();
    visit(role, set);
    closure.set(role, set);
  }
  return closure;
}

/**
 * Enforces `@Roles(...)`: the user needs any one of the listed roles, directly or through
 * `roleHierarchy`. Runs after `AccessTokenGuard`. 401 without a user, 403 without the role.
 */
@Injectable()
export class RolesGuard extends AuthGuardBase implements CanActivate {
  private readonly implied: Map<string, Set<string>>;

  constructor(
    protected readonly reflector: Reflector,
    @Inject(ROLE_HIERARCHY) roleHierarchy: Record<string, string[]>,
  ) {
    super();
    this.implied = expandRoleHierarchy(roleHierarchy);
  }

  private readonly requiredRoles = new HandlerMetadataCache(
    (context) => this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]),
  );

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredRoles.get(context);
    if (!required || required.length === 0) return true;
    const user = this.getRequest(context).user;
    if (!user) this.handleError(context, new AccessTokenMissingError());
    if (!this.hasAnyRole(user.roles, required)) this.handleError(context, new InsufficientRoleError());
    return true;
  }

  /** True when `roles` (expanded through the hierarchy) contains any of `required`. */
  hasAnyRole(roles: readonly string[], required: readonly string[]): boolean {
    for (const role of roles) {
      const implied = this.implied.get(role);
      for (const wanted of required) {
        if (wanted === role || implied?.has(wanted)) return true;
      }
    }
    return false;
  }
}
