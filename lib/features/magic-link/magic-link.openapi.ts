import type { Type } from '@nestjs/common';
import type { ResolvedCookieOptions } from '../../core/http/cookie.options';
import {
  ACCEPTED_MODEL, documentRoutes, EMAIL, JSON_BODY_ERRORS, loadSwagger, MAILED_TOKEN, requestModel, STORE_DOWN, tokenResponse,
} from '../../core/http/openapi';
import type { ResolvedMagicLinkOptions } from './magic-link.options';

const REQUEST = requestModel('AuthkitMagicLinkRequest', { email: EMAIL });
const VERIFY = requestModel('AuthkitMagicLinkVerify', { token: MAILED_TOKEN });

/** Documents the magic-link routes, when the app has `@nestjs/swagger`. */
export function documentMagicLinkRoutes(controller: Type, options: ResolvedMagicLinkOptions, cookie: ResolvedCookieOptions): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  documentRoutes(swagger, controller, {
    request: {
      summary: 'Mail a sign-in link (the same answer whether or not the email has an account)', enabled: options.enabled, security: [], body: REQUEST,
      success: { status: 202, description: 'Accepted', schema: ACCEPTED_MODEL },
      errors: [[400, ['validation_failed', 'malformed_json']], [429, ['too_many_requests']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    verify: {
      summary: "Sign in with the link's token (or { mfaRequired: true, mfaToken } for a user with a second factor)", enabled: options.enabled, security: [], body: VERIFY,
      success: { status: 200, description: 'Signed in (the refresh token per refreshTokenTransport)', schema: tokenResponse(cookie.refreshTokenTransport !== 'cookie') },
      errors: [[400, ['validation_failed', 'malformed_json', 'token_invalid']], [429, ['too_many_requests']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
  });
}
