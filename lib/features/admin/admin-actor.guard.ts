import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES_KEY } from '../../core/auth.constants';
import { AccessTokenMissingError, InsufficientRoleError, SessionRevokedError } from '../../core/errors/auth.errors';
import { AuthGuardBase } from '../../core/guards/auth-guard.base';
import { RolesGuard } from '../../core/guards/roles.guard';
import { ROLE_HIERARCHY } from '../../core/guards/roles.options';
import { UserStore } from '../../core/ports/user-store.interface';

/**
 * The admin routes' own check of the actor, after `AccessTokenGuard` and `RolesGuard` (which trust the token's
 * roles): the actor is read from the `UserStore` on every admin request, and must still exist, be enabled and
 * hold a required role (through `roleHierarchy`) there. So an admin demoted, disabled or deleted a millisecond ago
 * can do nothing admin with its still-valid access token: 403 `insufficient_role`, or 401 `session_revoked` when
 * the user is gone or disabled. One user read per admin request.
 */
@Injectable()
export class AdminActorGuard extends AuthGuardBase implements CanActivate {
  private readonly roles: RolesGuard;

  constructor(
    private readonly reflector: Reflector,
    @Inject(ROLE_HIERARCHY) roleHierarchy: Record<string, string[]>,
    @Inject(UserStore) private readonly users: UserStore,
  ) {
    super();
    this.roles = new RolesGuard(reflector, roleHierarchy);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]) ?? [];
    const principal = this.getRequest(context).user;
    if (!principal) this.handleError(context, new AccessTokenMissingError());
    const actor = await this.users.findById(principal.id);
    if (!actor || actor.disabled) this.handleError(context, new SessionRevokedError());
    // Fail closed: an admin route always needs a role, as the store has it now.
    if (required.length === 0 || !this.roles.hasAnyRole(actor.roles, required)) this.handleError(context, new InsufficientRoleError());
    return true;
  }
}
