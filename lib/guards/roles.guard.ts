import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RESOLVED_AUTH_OPTIONS, ROLES_KEY } from '../auth.constants';
import { AccessTokenMissingError, type AuthError, InsufficientRoleError } from '../auth.errors';
import type { ResolvedAuthOptions } from '../auth.options';
import { authErrorResponse, toHttpException } from './auth-http-status';
import { type AuthRequest, type AuthResponse, setResponseHeader } from './auth-request';
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
export class RolesGuard implements CanActivate {
  private readonly implied: Map<string, Set<string>>;

  constructor(
    protected readonly reflector: Reflector,
    @Inject(RESOLVED_AUTH_OPTIONS) options: ResolvedAuthOptions,
  ) {
    this.implied = expandRoleHierarchy(options.roleHierarchy);
  }

  private readonly requiredRoles = new HandlerMetadataCache(
    (context) => this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]),
  );

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredRoles.get(context);
    if (!required || required.length === 0) return true;
    const user = this.getRequest(context).user;
    if (!user) this.fail(context, new AccessTokenMissingError());
    if (!this.hasAnyRole(user.roles, required)) this.fail(context, new InsufficientRoleError());
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

  protected getRequest(context: ExecutionContext): AuthRequest {
    return context.switchToHttp().getRequest<AuthRequest>();
  }

  protected getResponse(context: ExecutionContext): AuthResponse | undefined {
    return context.getType() === 'http' ? context.switchToHttp().getResponse<AuthResponse>() : undefined;
  }

  private fail(context: ExecutionContext, error: AuthError): never {
    for (const [name, value] of Object.entries(authErrorResponse(error).headers)) {
      setResponseHeader(this.getResponse(context), name, value);
    }
    throw toHttpException(error);
  }
}
