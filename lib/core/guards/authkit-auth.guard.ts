import { type ExecutionContext, HttpException, SetMetadata, type Type } from '@nestjs/common';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import { AUTHENTICATING_GUARD_KEY, AUTHKIT_JWT_STRATEGY } from '../auth.constants';
import { transportRequest } from '../decorators/transport-request';
import { AccessTokenExpiredError, AccessTokenInvalidError, AccessTokenMissingError, AuthError } from '../errors/auth.errors';
import { authErrorResponse } from '../errors/auth-http-status';
import { type AuthResponse, setResponseHeader } from './auth-request';
import { transportError } from './transport-errors';

const guards = new Map<string, Type<IAuthGuard>>();

/** What passport-jwt says when it refuses a request without an error: no token, an expired or an invalid one. */
function refusal(info: unknown): AuthError {
  const name = (info as { name?: unknown } | null)?.name;
  const message = (info as { message?: unknown } | null)?.message;
  if (name === 'TokenExpiredError') return new AccessTokenExpiredError();
  if (typeof message === 'string' && /no auth token/i.test(message)) return new AccessTokenMissingError();
  return new AccessTokenInvalidError();
}

/**
 * `AuthGuard(type)` of `@nestjs/passport` (default: the library's `'authkit-jwt'` strategy, or the name your own
 * strategy registered, such as `'jwt'`) with the library's error shape: refusals answer
 * `{ statusCode, code, message }` (`access_token_missing`, `access_token_expired`, `access_token_invalid`,
 * `session_revoked`, `store_unavailable`...) and `WWW-Authenticate`, as `AccessTokenGuard` does, instead of
 * passport's bare `401 Unauthorized`. Memoised per strategy name.
 *
 * @example
 * ```ts
 * @UseGuards(AuthkitAuthGuard())          // or AuthkitAuthGuard('jwt') for a strategy named 'jwt'
 * @Get('profile')
 * profile(@CurrentUser() user: AuthenticatedUser) { return user; }
 * ```
 */
export function AuthkitAuthGuard(type: string = AUTHKIT_JWT_STRATEGY): Type<IAuthGuard> {
  const existing = guards.get(type);
  if (existing) return existing;
  class AuthkitPassportGuard extends AuthGuard(type) {
    /** The HTTP request, the GraphQL context's `req`, or the socket's handshake view (as `AccessTokenGuard`). */
    override getRequest(context: ExecutionContext): unknown {
      return transportRequest(context) ?? context.switchToHttp().getRequest();
    }

    override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown, context: ExecutionContext): TUser {
      if (!error && user) return user;
      // The strategy's own refusals (session_revoked, store_unavailable...) arrive as an HttpException whose
      // cause is the library's error: unwrapped, so they get WWW-Authenticate and GraphQL/WS get their shape.
      const cause = error instanceof HttpException ? error.cause : undefined;
      if (cause instanceof AuthError) error = cause;
      // Another exception already in the library's body shape (an app's own strategy): passed through.
      else if (error instanceof HttpException && typeof (error.getResponse() as { code?: unknown }).code === 'string') throw error;
      const authError = error instanceof AuthError ? error : refusal(info ?? error);
      if (context.getType() === 'http') {
        const response = context.switchToHttp().getResponse<AuthResponse>();
        for (const [name, value] of Object.entries(authErrorResponse(authError).headers)) setResponseHeader(response, name, value);
      }
      throw transportError(context, authError);
    }
  }
  Object.defineProperty(AuthkitPassportGuard, 'name', { value: `AuthkitAuthGuard(${type})` });
  SetMetadata(AUTHENTICATING_GUARD_KEY, true)(AuthkitPassportGuard);
  guards.set(type, AuthkitPassportGuard);
  return AuthkitPassportGuard;
}
