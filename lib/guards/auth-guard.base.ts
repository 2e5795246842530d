import type { ExecutionContext } from '@nestjs/common';
import { AuthError } from '../auth.errors';
import { authErrorResponse, toHttpException } from './auth-http-status';
import { type AuthRequest, type AuthResponse, setResponseHeader } from './auth-request';

/**
 * What `AccessTokenGuard` and `RolesGuard` share, and what a subclass overrides to serve another transport:
 * `getRequest(context)` finds the request that carries the token and receives `user`; `handleError(context,
 * error)` turns a refusal into what the transport expects (by default an `HttpException` with the library's
 * `{ statusCode, code, message }` body and its headers, such as `WWW-Authenticate`).
 *
 * @example
 * ```ts
 * @Injectable()
 * export class MyTransportGuard extends AccessTokenGuard {
 *   protected override getRequest(context: ExecutionContext): AuthRequest {
 *     return context.switchToRpc().getContext<{ req: AuthRequest }>().req;
 *   }
 * }
 * ```
 */
export abstract class AuthGuardBase {
  /** The request the token is read from and `user` is set on. Default: the HTTP request. */
  protected getRequest(context: ExecutionContext): AuthRequest {
    return context.switchToHttp().getRequest<AuthRequest>();
  }

  /** The response that receives error headers, when the transport has one. */
  protected getResponse(context: ExecutionContext): AuthResponse | undefined {
    return context.getType() === 'http' ? context.switchToHttp().getResponse<AuthResponse>() : undefined;
  }

  /**
   * Called with every error the guard meets. Throws the `AuthError` as an `HttpException` carrying the
   * library's error body (after setting its headers on the response); anything else is rethrown unchanged.
   */
  protected handleError(context: ExecutionContext, error: unknown): never {
    if (!(error instanceof AuthError)) throw error;
    const { headers } = authErrorResponse(error);
    for (const [name, value] of Object.entries(headers)) setResponseHeader(this.getResponse(context), name, value);
    throw toHttpException(error);
  }
}
