import { HttpException, HttpStatus } from '@nestjs/common';
import { AuthError, AuthRejectedError, TooManyAttemptsError, TooManyRequestsError } from './auth.errors';

/** HTTP status of each `AuthError` code; the only place codes meet status codes. */
const STATUS_BY_CODE: Record<string, number> = {
  validation_failed: HttpStatus.BAD_REQUEST,
  invalid_credentials: HttpStatus.UNAUTHORIZED,
  email_taken: HttpStatus.CONFLICT,
  registration_disabled: HttpStatus.FORBIDDEN,
  user_disabled: HttpStatus.FORBIDDEN,
  access_token_missing: HttpStatus.UNAUTHORIZED,
  access_token_invalid: HttpStatus.UNAUTHORIZED,
  access_token_expired: HttpStatus.UNAUTHORIZED,
  session_revoked: HttpStatus.UNAUTHORIZED,
  refresh_token_missing: HttpStatus.UNAUTHORIZED,
  refresh_token_invalid: HttpStatus.UNAUTHORIZED,
  refresh_token_superseded: HttpStatus.UNAUTHORIZED,
  refresh_token_reused: HttpStatus.UNAUTHORIZED,
  insufficient_role: HttpStatus.FORBIDDEN,
  session_not_found: HttpStatus.NOT_FOUND,
  cross_site_request: HttpStatus.FORBIDDEN,
  store_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  too_many_attempts: HttpStatus.TOO_MANY_REQUESTS,
  too_many_requests: HttpStatus.TOO_MANY_REQUESTS,
  busy: HttpStatus.SERVICE_UNAVAILABLE,
  weak_password: HttpStatus.BAD_REQUEST,
  unsupported_media_type: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  user_not_found: HttpStatus.NOT_FOUND,
  // OAuth. Callback failures not listed here (state, denied, code rejected, unverified email) are 401.
  oauth_provider_not_configured: HttpStatus.NOT_FOUND,
  oauth_provider_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  oauth_account_exists: HttpStatus.CONFLICT,
  oauth_identity_in_use: HttpStatus.CONFLICT,
  oauth_provider_already_linked: HttpStatus.CONFLICT,
  oauth_identity_not_found: HttpStatus.NOT_FOUND,
  last_sign_in_method: HttpStatus.CONFLICT,
  oauth_link_email_unverified: HttpStatus.FORBIDDEN,
  // Account lifecycle.
  token_invalid: HttpStatus.BAD_REQUEST,
  email_unverified: HttpStatus.FORBIDDEN,
  reauthentication_required: HttpStatus.UNAUTHORIZED,
};

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
  const status = error instanceof AuthRejectedError ? error.status : (STATUS_BY_CODE[error.code] ?? HttpStatus.UNAUTHORIZED);
  const headers: Record<string, string> = {};
  if (status === HttpStatus.UNAUTHORIZED) {
    const invalidToken = error.code === 'access_token_invalid' || error.code === 'access_token_expired' || error.code === 'session_revoked';
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
