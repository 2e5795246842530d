import { HttpException, HttpStatus } from '@nestjs/common';
import { AuthError, TooManyAttemptsError, TooManyRequestsError } from './auth.errors';

/** Codes of HTTP errors raised outside the library (body parser, router) on auth routes. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** Seconds a client should wait after a 503 from the store. */
const STORE_RETRY_AFTER_SECONDS = '1';

export function authErrorResponse(error: AuthError): ErrorResponse {
  const status = error.httpStatus;
  const headers: Record<string, string> = {};
  if (status === HttpStatus.UNAUTHORIZED) {
    const invalidToken = error.code === 'access_token_invalid' || error.code === 'access_token_expired' || error.code === 'session_revoked' || error.code === 'access_token_stale';
    headers['WWW-Authenticate'] = invalidToken ? 'Bearer error="invalid_token"' : 'Bearer';
  }
  if (status === HttpStatus.SERVICE_UNAVAILABLE) headers['Retry-After'] = STORE_RETRY_AFTER_SECONDS;
  if (error instanceof TooManyAttemptsError || error instanceof TooManyRequestsError) headers['Retry-After'] = String(error.retryAfterSeconds);
  return { status, headers, body: { statusCode: status, code: error.code, message: error.message } };
}

/** What the filter knows of the request when mapping an error. */
export interface ErrorContext {
  /** The JSON body was rejected before any route matched (a parse failure). */
  jsonBodyRejected?: boolean;
  /** The request declares a `Content-Encoding` other than `identity`. */
  contentEncoded?: boolean;
}

/**
 * Maps anything thrown on an auth route to the library's error shape. Unknown errors become a
 * generic 500 whose body reveals nothing.
 */
export function errorResponse(error: unknown, context: ErrorContext = {}): ErrorResponse {
  if (error instanceof AuthError) return authErrorResponse(error);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const raw = error.getResponse();
    const explicit = typeof raw === 'object' && raw !== null && typeof (raw as { code?: unknown }).code === 'string'
      ? (raw as { code: string }).code
      : undefined;
    const parseFailure = status === 400 && !explicit && context.jsonBodyRejected === true;
    // A platform that parses the raw bytes of a Content-Encoded body (Fastify does not decompress) fails to parse
    // it: the same `malformed_body` as Express's body-parser when the body does not decompress.
    const undecodable = parseFailure && context.contentEncoded === true;
    const parseCode = undecodable ? 'malformed_body' : 'malformed_json';
    const code = explicit ?? (parseFailure ? parseCode : CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'http_error'));
    const message = status >= 500 ? 'Internal server error' : undecodable ? 'Malformed request body' : parseFailure ? 'Malformed JSON body' : error.message;
    return { status, headers: {}, body: { statusCode: status, code, message } };
  }
  const bodyParser = error as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown } | null;
  // body-parser's errors (http-errors): typed ones, and untyped 4xx ones such as a body that does not
  // decompress under its Content-Encoding (a zlib error wrapped with status 400).
  const parserStatus = bodyParser && typeof bodyParser.status === 'number' && bodyParser.status >= 400 && bodyParser.status < 500
    && (typeof bodyParser.type === 'string' || (bodyParser.statusCode === bodyParser.status && typeof bodyParser.expose === 'boolean'))
    ? bodyParser.status
    : undefined;
  if (bodyParser && parserStatus !== undefined) {
    const status = parserStatus;
    const code = bodyParser.type === 'entity.parse.failed'
      ? 'malformed_json'
      : typeof bodyParser.type === 'string' ? CODE_BY_STATUS[status] ?? 'bad_request' : status === 400 ? 'malformed_body' : CODE_BY_STATUS[status] ?? 'bad_request';
    const message = code === 'malformed_json' ? 'Malformed JSON body' : code === 'malformed_body' ? 'Malformed request body' : code.replace(/_/g, ' ');
    return { status, headers: {}, body: { statusCode: status, code, message } };
  }
  return { status: 500, headers: {}, body: { statusCode: 500, code: 'internal_error', message: 'Internal server error' } };
}

/** An `HttpException` carrying the library's error body (for guards, which run under the app's own filters). */
export function toHttpException(error: AuthError): HttpException {
  const { status, body } = authErrorResponse(error);
  return new HttpException(body, status, { cause: error });
}
