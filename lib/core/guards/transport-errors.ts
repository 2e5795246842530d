import type { ExecutionContext } from '@nestjs/common';
import type { AuthError } from '../errors/auth.errors';
import { authErrorResponse, toHttpException } from '../errors/auth-http-status';

/** What a GraphQL client sees: the error's message and `extensions.code` (plus `statusCode`, the HTTP equivalent). */
export interface GraphQLErrorExtensions {
  code: string;
  statusCode: number;
}

type GraphQLErrorClass = new (message: string, options: { extensions: GraphQLErrorExtensions; originalError?: Error }) => Error;
type WsExceptionClass = new (error: object) => Error;

/** An optional peer, loaded the first time it is needed (`graphql`, `@nestjs/websockets`); `null` when not installed. */
function optionalExport<T>(moduleName: string, exportName: string): T | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(moduleName) as Record<string, unknown>;
    return (loaded[exportName] as T | undefined) ?? null;
  } catch {
    return null;
  }
}

let graphQLError: GraphQLErrorClass | null | undefined;
let wsException: WsExceptionClass | null | undefined;

/** A `GraphQLError` (or, without the `graphql` package, an `Error` with the same `extensions`) carrying the code. */
export function toGraphQLError(error: AuthError): Error {
  const { status } = authErrorResponse(error);
  const extensions: GraphQLErrorExtensions = { code: error.code, statusCode: status };
  // Looked up once: `null` (not installed) is remembered too (Node does not cache a failed require).
  if (graphQLError === undefined) graphQLError = optionalExport<GraphQLErrorClass>('graphql', 'GraphQLError');
  if (graphQLError) return new graphQLError(error.message, { extensions, originalError: error });
  return Object.assign(new Error(error.message, { cause: error }), { extensions });
}

/**
 * A `WsException` whose payload is the library's error body plus `status: 'error'` (what Nest's
 * `BaseWsExceptionFilter` emits as the `exception` event): `{ status, statusCode, code, message }`.
 */
export function toWsException(error: AuthError): Error {
  const { body } = authErrorResponse(error);
  if (wsException === undefined) wsException = optionalExport<WsExceptionClass>('@nestjs/websockets', 'WsException');
  if (wsException) return new wsException({ status: 'error', ...body });
  return toHttpException(error);
}

/** The error a guard throws for a refusal, in the shape the context's transport expects. */
export function transportError(context: Pick<ExecutionContext, 'getType'>, error: AuthError): Error {
  const type = context.getType<string>();
  if (type === 'graphql') return toGraphQLError(error);
  if (type === 'ws') return toWsException(error);
  return toHttpException(error);
}
