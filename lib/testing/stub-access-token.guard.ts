import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY } from '../core/auth.constants';
import type { AuthenticatedUser } from '../core/auth.types';
import { AccessTokenMissingError } from '../core/errors/auth.errors';
import { AuthGuardBase } from '../core/guards/auth-guard.base';

/** The principal a stub puts on `request.user`; every field has a default (`roles: []`, `amr: ['pwd']`...). */
export type StubPrincipal = Partial<AuthenticatedUser>;

/**
 * Stands in for `AccessTokenGuard` in tests that want a signed-in user without tokens, sessions or Redis:
 * `@Public()` routes stay open, every other route sees the stubbed principal as `request.user` (so `@Roles()`,
 * enforced by the real `RolesGuard`, and `@CurrentUser()` work), or gets 401 `access_token_missing` when no one
 * is signed in. `signInAs` / `signOut` switch the principal between requests.
 *
 * @example
 * ```ts
 * const principal = new StubAccessTokenGuard({ id: 'user-1', roles: ['admin'] });
 * const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
 *   .overrideProvider(AccessTokenGuard).useValue(principal).compile();
 * ```
 */
export class StubAccessTokenGuard extends AuthGuardBase implements CanActivate {
  private principal?: AuthenticatedUser;
  private readonly reflector = new Reflector();

  constructor(principal?: StubPrincipal) {
    super();
    if (principal) this.signInAs(principal);
  }

  /** Every following request is made by this principal. */
  signInAs(principal: StubPrincipal = {}): this {
    this.principal = {
      id: 'test-user', sessionId: 'test-session', roles: [], claims: {}, amr: ['pwd'], authTime: Date.now(), ...structuredClone(principal),
    };
    return this;
  }

  /** Every following request is anonymous (401 on protected routes). */
  signOut(): this {
    this.principal = undefined;
    return this;
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true) return true;
    const request = this.getRequest(context);
    if (this.principal) {
      request.user = structuredClone(this.principal);
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH_KEY, targets) === true) return true;
    return this.handleError(context, new AccessTokenMissingError());
  }
}
