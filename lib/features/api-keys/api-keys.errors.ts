import { AuthError } from '../../core/errors/auth.errors';

/** The API key is malformed, unknown, revoked, expired, or its owner's credentials changed (one answer for all). */
export class ApiKeyInvalidError extends AuthError {
  static override readonly code = 'api_key_invalid';
  static override readonly defaultMessage = 'The API key is invalid';
}

/** An API key was presented to a route that does not accept keys (no `@AllowApiKey()`). */
export class ApiKeyNotAcceptedError extends AuthError {
  static override readonly code = 'api_key_not_accepted';
  static override readonly defaultMessage = 'This route does not accept API keys';
}

/** The route accepts keys with other scopes (`@AllowApiKey({ scopes })`). */
export class ApiKeyScopeError extends AuthError {
  static override readonly code = 'api_key_scope_missing';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'The API key lacks the scope this route needs';
}

/** The user has `maxKeysPerUser` live keys: revoke one first. */
export class ApiKeyLimitError extends AuthError {
  static override readonly code = 'api_key_limit_reached';
  static override readonly httpStatus = 409;
  static override readonly defaultMessage = 'Too many API keys; revoke one first';
}

/** No key of the user has this id. */
export class ApiKeyNotFoundError extends AuthError {
  static override readonly code = 'api_key_not_found';
  static override readonly httpStatus = 404;
  static override readonly defaultMessage = 'No such API key';
}
