import type { Type } from '@nestjs/common';
import type { ResolvedCookieOptions } from '../../core/http/cookie.options';
import {
  documentRoutes, JSON_BODY_ERRORS, loadSwagger, Model, requestModel, type RouteDoc, SIGNED_IN, STORE_DOWN, tokenResponse,
} from '../../core/http/openapi';
import type { ResolvedPasskeyOptions } from './passkeys.options';

const CREDENTIAL = { type: 'object', description: 'the PublicKeyCredential as JSON (what @simplewebauthn/browser returns)' };
const NAME = { type: 'string', minLength: 1, maxLength: 64 };
const REGISTRATION_REQUEST = requestModel('AuthkitPasskeyRegistrationRequest', { response: CREDENTIAL, name: NAME }, ['name']);
const AUTHENTICATION_REQUEST = requestModel('AuthkitPasskeyAuthenticationRequest', { response: CREDENTIAL });
const RENAME_REQUEST = requestModel('AuthkitPasskeyRenameRequest', { name: NAME });
const OPTIONS = new Model('AuthkitWebAuthnOptions', {
  challenge: { type: 'string', description: 'base64url of 32 random bytes, single use' },
  rpId: { type: 'string' }, timeout: { type: 'integer' }, userVerification: { type: 'string' },
}, ['rpId', 'timeout', 'userVerification']);
const CREATION_OPTIONS = new Model('AuthkitWebAuthnCreationOptions', {
  challenge: { type: 'string' }, rp: { type: 'object' }, user: { type: 'object' }, pubKeyCredParams: { type: 'array', items: { type: 'object' } },
  excludeCredentials: { type: 'array', items: { type: 'object' } }, authenticatorSelection: { type: 'object' }, timeout: { type: 'integer' },
});
const PASSKEY = new Model('AuthkitPasskey', {
  id: { type: 'string', description: 'the credential id (base64url)' }, name: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' },
  lastUsedAt: { type: 'string', format: 'date-time', nullable: true }, backedUp: { type: 'boolean' },
  transports: { type: 'array', items: { type: 'string' } }, aaguid: { type: 'string' },
});
const REFUSED = ['passkey_challenge_invalid', 'passkey_origin_invalid', 'passkey_counter_invalid', 'passkey_invalid'];

function routes(options: ResolvedPasskeyOptions, cookie: ResolvedCookieOptions): Record<string, RouteDoc> {
  const enabled = options.enabled;
  return {
    registrationOptions: {
      summary: 'Creation options for a new passkey (signed in recently)', enabled, security: ['bearer'],
      success: { status: 200, description: 'For navigator.credentials.create()', schema: CREATION_OPTIONS },
      errors: [[401, [...SIGNED_IN[1], 'reauthentication_required']], [409, ['passkey_limit_reached']], STORE_DOWN],
    },
    register: {
      summary: 'Register the passkey the browser created', enabled, security: ['bearer'], body: REGISTRATION_REQUEST,
      success: { status: 201, description: 'Registered', schema: PASSKEY },
      errors: [[400, ['validation_failed', 'malformed_json']], [401, [...SIGNED_IN[1], 'reauthentication_required', ...REFUSED]],
        [409, ['passkey_already_registered', 'passkey_limit_reached']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    authenticationOptions: {
      summary: 'Request options to sign in with a passkey (discoverable credentials, conditional UI)', enabled, security: [],
      success: { status: 200, description: 'For navigator.credentials.get()', schema: OPTIONS }, errors: [[429, ['too_many_requests']], STORE_DOWN],
    },
    authenticate: {
      summary: 'Sign in with a passkey alone (user verification required; satisfies MFA)', enabled, security: [], body: AUTHENTICATION_REQUEST,
      success: { status: 200, description: 'Signed in (the refresh token per refreshTokenTransport)', schema: tokenResponse(cookie.refreshTokenTransport !== 'cookie') },
      errors: [[400, ['validation_failed', 'malformed_json']], [401, [...REFUSED, 'user_disabled']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    reauthenticationOptions: {
      summary: "Request options for a step-up with one of the user's passkeys (then POST /reauthenticate { passkey })", enabled, security: ['bearer'],
      success: { status: 200, description: 'For navigator.credentials.get()', schema: OPTIONS }, errors: [SIGNED_IN, STORE_DOWN],
    },
    list: { summary: "The signed-in user's passkeys", enabled, security: ['bearer'], success: { status: 200, description: 'Passkeys', schema: [PASSKEY] }, errors: [SIGNED_IN, STORE_DOWN] },
    rename: {
      summary: 'Rename a passkey', enabled, security: ['bearer'], body: RENAME_REQUEST, success: { status: 200, description: 'Renamed', schema: PASSKEY },
      errors: [[400, ['validation_failed', 'malformed_json']], SIGNED_IN, [404, ['passkey_not_found']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    remove: {
      summary: 'Remove a passkey (step-up with the second factor; not the last factor policy requires)', enabled, security: ['bearer'],
      success: { status: 204, description: 'Removed' },
      errors: [[401, [...SIGNED_IN[1], 'reauthentication_required']], [404, ['passkey_not_found']], [409, ['passkey_last_factor']], STORE_DOWN],
    },
  };
}

/** Documents the passkey routes when the app has `@nestjs/swagger`. */
export function documentPasskeyRoutes(controller: Type, options: ResolvedPasskeyOptions, cookie: ResolvedCookieOptions): void {
  const swagger = loadSwagger();
  if (swagger) documentRoutes(swagger, controller, routes(options, cookie));
}
