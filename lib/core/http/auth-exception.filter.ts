import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthError } from '../errors/auth.errors';
import { errorResponse } from '../errors/auth-http-status';
import { transportError } from '../guards/transport-errors';

/**
 * Writes every error as `{ statusCode, code, message }` with a stable `code`; 401s carry
 * `WWW-Authenticate: Bearer`, 503s `Retry-After`. Unknown errors become an opaque 500 (logged
 * without request data). Scoped to the library's controllers; apps may also install it globally to get the
 * same shape for body-parser errors (`malformed_json`, `payload_too_large`). Outside HTTP (a global filter
 * also sees GraphQL resolvers) it writes nothing: an `AuthError` is rethrown as a `GraphQLError` with
 * `extensions.code` (a `WsException` for gateways), anything else unchanged.
 */
@Catch()
export class AuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AuthKit');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      throw exception instanceof AuthError ? transportError(host, exception) : exception;
    }
    const request = host.switchToHttp().getRequest<{ route?: unknown; headers?: Record<string, unknown> }>();
    // Nest maps body-parser's SyntaxError to a plain 400 before any route matched.
    const contentType = String(request?.headers?.['content-type'] ?? '');
    const jsonBodyRejected = request?.route === undefined && contentType.includes('json');
    const encoding = String(request?.headers?.['content-encoding'] ?? '').trim().toLowerCase();
    const contentEncoded = encoding !== '' && encoding !== 'identity';
    const { status, headers, body } = errorResponse(exception, { jsonBodyRejected, contentEncoded });
    if (status >= 500 && status !== 503) {
      this.logger.error(`Unhandled error on an auth route: ${exception instanceof Error ? exception.stack : String(exception)}`);
    }
    const adapter = this.adapterHost.httpAdapter;
    const response = host.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, status);
  }
}
