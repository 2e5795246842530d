import type { ExecutionContext } from '@nestjs/common';
import { AuthError } from '../errors/auth.errors';
import { transportRequest } from '../decorators/transport-request';
import { authErrorResponse } from '../errors/auth-http-status';
import { type AuthRequest, type AuthResponse, setResponseHeader } from './auth-request';
import { transportError } from './transport-errors';

/**
 * What `AccessTokenGuard` and `RolesGuard` share, and what a subclass overrides to serve another transport.
 * `http`, `graphql` and `ws` contexts work out of the box: `getRequest(context)` finds the request that carries
 * the token and receives `user` (the HTTP request, the GraphQL context's `req`, a view of the socket's
 * handshake); `handleError(context, error)` turns a refusal into what the transport expects: an
 * `HttpException` with the library's `{ statusCode, code, message }` body and its headers (such as
 * `WWW-Authenticate`), a `GraphQLError` with `extensions.code`, a `WsException` with the same `code`.
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
  /**
   * The request the token is read from and `user` is set on. Default: the HTTP request, the GraphQL
   * context's `req`, or the socket's handshake (`auth.token`, else its `Authorization` header). In other
   * contexts a request without headers, so the guard refuses (fails closed) unless a subclass says more.
   */
  protected getRequest(context: ExecutionContext): AuthRequest {
    return transportRequest(context) ?? { headers: {} };
  }

  /** The response that receives error headers, when the transport has one. */
  protected getResponse(context: ExecutionContext): AuthResponse | undefined {
    return context.getType() === 'http' ? context.getArgByIndex<AuthResponse>(1) : undefined;
  }

  /**
   * Called with every error the guard meets. Throws the `AuthError` as the transport's error (over HTTP an
   * `HttpException` carrying the library's error body, after setting its headers on the response); anything
   * else is rethrown unchanged.
   */
  protected handleError(context: ExecutionContext, error: unknown): never {
    if (!(error instanceof AuthError)) throw error;
    const response = this.getResponse(context);
    if (response) {
      for (const [name, value] of Object.entries(authErrorResponse(error).headers)) setResponseHeader(response, name, value);
    }
    throw transportError(context, error);
  }
}
