import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, RESOLVED_AUTH_OPTIONS } from '../auth.constants';
import { AccessTokenMissingError, AuthError, SessionRevokedError } from '../auth.errors';
import type { ResolvedAuthOptions } from '../auth.options';
import type { AuthenticatedUser } from '../auth.types';
import { authErrorResponse, toHttpException } from '../http/auth-http-status';
import { SessionStore } from '../sessions/session-store.interface';
import { TokenService } from '../tokens/token.service';
import { type AuthRequest, type AuthResponse, setResponseHeader } from './auth-request';

const BEARER = /^Bearer[ ]+([^ ]+)[ ]*$/i;
/** Requests already authenticated by a guard instance (global + route-level guards then verify once). */
const authenticated = new WeakSet<object>();

/**
 * Authenticates requests by `Authorization: Bearer <access token>`: verifies the JWT and, in the
 * default `'session'` mode, that its session still exists (one Redis command), then sets
 * `request.user`. Skipped for `@Public()` handlers and controllers. Registered globally unless
 * `globalGuards: false`; then use `@UseGuards(AccessTokenGuard)`.
 *
 * Subclass and override `getRequest()` for GraphQL or WebSockets:
 * @example
 * ```ts
 * @Injectable()
 * export class GqlAccessTokenGuard extends AccessTokenGuard {
 *   protected override getRequest(context: ExecutionContext) {
 *     return GqlExecutionContext.create(context).getContext().req;
 *   }
 * }
 * ```
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly tokens: TokenService,
    @Inject(SessionStore) protected readonly sessions: SessionStore,
    @Inject(RESOLVED_AUTH_OPTIONS) protected readonly options: ResolvedAuthOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const request = this.getRequest(context);
    if (authenticated.has(request) && request.user) return true;
    try {
      request.user = await this.authenticate(this.extractToken(request));
      authenticated.add(request);
      return true;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const { headers } = authErrorResponse(error);
      for (const [name, value] of Object.entries(headers)) setResponseHeader(this.getResponse(context), name, value);
      throw toHttpException(error);
    }
  }

  /** Verifies a raw access token and returns the principal; throws an `AuthError`. */
  async authenticate(token: string | undefined): Promise<AuthenticatedUser> {
    if (!token) throw new AccessTokenMissingError();
    const claims = this.tokens.verifyAccessToken(token);
    if (this.options.accessTokenValidation === 'session' && !(await this.sessions.exists(claims.sub, claims.sid))) {
      throw new SessionRevokedError();
    }
    return { id: claims.sub, sessionId: claims.sid, roles: claims.roles };
  }

  protected isPublic(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true;
  }

  protected getRequest(context: ExecutionContext): AuthRequest {
    return context.switchToHttp().getRequest<AuthRequest>();
  }

  protected getResponse(context: ExecutionContext): AuthResponse | undefined {
    return context.getType() === 'http' ? context.switchToHttp().getResponse<AuthResponse>() : undefined;
  }

  /** Only the `Authorization` header is read; tokens in query strings are never accepted. */
  protected extractToken(request: AuthRequest): string | undefined {
    const header = request.headers?.authorization;
    if (typeof header !== 'string') return undefined;
    return BEARER.exec(header)?.[1];
  }
}
