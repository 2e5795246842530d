import { applyDecorators, type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedUser } from '../../core/auth.types';
import { transportUser } from '../../core/decorators/transport-request';
import { AccessTokenMissingError } from '../../core/errors/auth.errors';
import { AuthGuardBase } from '../../core/guards/auth-guard.base';
import { HandlerMetadataCache } from '../../core/guards/handler-metadata.cache';
import { expandRoleHierarchy } from '../../core/guards/roles.guard';
import { OrganizationNotActiveError, OrganizationRoleRequiredError } from './organizations.errors';
import { ORGANIZATIONS_OPTIONS, type ResolvedOrganizationsOptions } from './organizations.options';

/** The access-token claims of the session's active organization (owned by the organizations feature). */
export const ORG_CLAIM = 'org';
export const ORG_ROLES_CLAIM = 'org_roles';

const ORG_ROLES_KEY = 'authkit:org-roles';

/** The active organization of a request, from its access token: `{ id, roles }`, or null without one. */
export interface CurrentOrganization {
  id: string;
  roles: string[];
}

/** The active organization in `user`'s access-token claims, or null. */
export function activeOrganizationOf(user: AuthenticatedUser | undefined): CurrentOrganization | null {
  const id = user?.claims?.[ORG_CLAIM];
  const roles = user?.claims?.[ORG_ROLES_CLAIM];
  if (typeof id !== 'string' || !Array.isArray(roles)) return null;
  return { id, roles: roles.filter((role): role is string => typeof role === 'string') };
}

/** The `:orgId` of the route (HTTP params, GraphQL arguments), when it has one. */
function routeOrgId(context: ExecutionContext): string | undefined {
  const type = context.getType<string>();
  const source = type === 'http' ? context.switchToHttp().getRequest<{ params?: Record<string, unknown> }>().params
    : type === 'graphql' ? context.getArgByIndex<Record<string, unknown> | undefined>(1) : undefined;
  const orgId = source?.orgId;
  return typeof orgId === 'string' ? orgId : undefined;
}

/**
 * Enforces `@OrgRoles(...)`: the request's active organization (its access token's `org`, see `POST
 * /auth/orgs/active`) must grant any of the roles, directly or through the hierarchy (`owner` > `admin` >
 * `member`, plus `organizations.roleHierarchy`); a route with `:orgId` must name that organization. Reads the token's
 * claims only: no store command (the session check, one command, has already refused a token whose organization
 * claims changed, 401 `access_token_stale`). 401 without a user; 403 `org_not_active`; 403 `org_role_required`.
 */
@Injectable()
export class OrgRolesGuard extends AuthGuardBase implements CanActivate {
  private readonly implied: Map<string, Set<string>>;

  constructor(
    protected readonly reflector: Reflector,
    @Inject(ORGANIZATIONS_OPTIONS) options: Pick<ResolvedOrganizationsOptions, 'roleHierarchy'>,
  ) {
    super();
    this.implied = expandRoleHierarchy(options.roleHierarchy);
  }

  private readonly required = new HandlerMetadataCache(
    (context) => this.reflector.getAllAndOverride<string[] | undefined>(ORG_ROLES_KEY, [context.getHandler(), context.getClass()]),
  );

  canActivate(context: ExecutionContext): boolean {
    const required = this.required.get(context);
    if (!required) return true;
    const user = this.getRequest(context).user;
    if (!user) this.handleError(context, new AccessTokenMissingError());
    const active = activeOrganizationOf(user);
    const orgId = routeOrgId(context);
    if (!active || (orgId !== undefined && orgId !== active.id)) this.handleError(context, new OrganizationNotActiveError());
    if (required.length > 0 && !this.grants(active.roles, required)) this.handleError(context, new OrganizationRoleRequiredError());
    return true;
  }

  /** True when `roles` (through the hierarchy) include any of `required`. */
  grants(roles: readonly string[], required: readonly string[]): boolean {
    return roles.some((role) => required.some((wanted) => wanted === role || this.implied.get(role)?.has(wanted)));
  }
}

/**
 * Requires ANY of the roles in the request's active organization (`owner` > `admin` > `member` and
 * `organizations.roleHierarchy`); with no role, just an active organization. Where the route has `:orgId`, it must be
 * the active one (403 `org_not_active`). Adds `OrgRolesGuard` to the route (after the global `AccessTokenGuard`).
 *
 * @example
 * ```ts
 * @OrgRoles('admin')
 * @Delete('orgs/:orgId/projects/:id')
 * remove(@CurrentOrg() org: CurrentOrganization) { ... }
 * ```
 */
export const OrgRoles = (...roles: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ORG_ROLES_KEY, roles), UseGuards(OrgRolesGuard));

/** Injects the request's active organization (`{ id, roles }`, or null), in HTTP, GraphQL and WebSocket handlers. */
export const CurrentOrg = createParamDecorator((_: unknown, context: ExecutionContext) => activeOrganizationOf(transportUser(context)));
