import type { Type } from '@nestjs/common';
import type { ResolvedCookieOptions } from '../../core/http/cookie.options';
import { documentRoutes, EMAIL, loadSwagger, password, requestModel, type RouteDoc, STORE_DOWN, tokenResponse } from '../../core/http/openapi';
import { LOGIN_PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH } from '../../core/users/identity-resolver.service';

/** Registration: the policy may ask more than `minLength` (common passwords, the email itself: 400 `weak_password`). */
const CREDENTIALS = requestModel('AuthkitRegisterRequest', { email: EMAIL, password: password(PASSWORD_MIN_LENGTH) });
const LOGIN = requestModel('AuthkitLoginRequest', { email: EMAIL, password: password(LOGIN_PASSWORD_MIN_LENGTH) });

function passwordSignInRoutes(cookie: ResolvedCookieOptions): Record<string, RouteDoc> {
  const body = cookie.refreshTokenTransport !== 'cookie';
  return {
    register: {
      summary: 'Create an account and sign in', body: CREDENTIALS, security: [],
      success: {
        status: 201, schema: tokenResponse(body),
        description: "Signed in (refresh token in the cookie and/or the body); under requireVerifiedEmail, { status: 'verification_required', user } and no token",
      },
      errors: [[400, ['validation_failed', 'weak_password', 'malformed_json']], [403, ['registration_disabled']], [409, ['email_taken']],
        [413, ['payload_too_large']], [415, ['unsupported_media_type']], [429, ['too_many_requests']], STORE_DOWN],
    },
    login: {
      summary: 'Sign in with email and password', body: LOGIN, security: [],
      success: { status: 200, description: 'Signed in', schema: tokenResponse(body) },
      errors: [[400, ['validation_failed', 'malformed_json']], [401, ['invalid_credentials']], [403, ['user_disabled']],
        [413, ['payload_too_large']], [415, ['unsupported_media_type']], [429, ['too_many_attempts']], STORE_DOWN],
    },
  };
}

/** Documents `POST register` and `POST login`, when the app has `@nestjs/swagger`. */
export function documentPasswordSignInRoutes(controller: Type, cookie: ResolvedCookieOptions): void {
  const swagger = loadSwagger();
  if (swagger) documentRoutes(swagger, controller, passwordSignInRoutes(cookie));
}
