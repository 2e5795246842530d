import type { Type } from '@nestjs/common';
import type { ResolvedCookieOptions } from '../http/cookie.options';
import {
  documentRoutes, JSON_BODY_ERRORS, loadSwagger, Model, TOKEN_FIELDS, requestModel, type RouteDoc, SESSION_MODEL, SIGNED_IN, STORE_DOWN, tokenResponse, USER_MODEL,
} from '../http/openapi';

const REAUTHENTICATE_REQUEST = requestModel('AuthkitReauthenticateRequest', {
  password: { type: 'string', maxLength: 1024, description: 'the account password' },
  code: { type: 'string', pattern: '^\\d{6}$', description: 'a TOTP code (with the mfa feature)' },
  recoveryCode: { type: 'string', maxLength: 64, description: 'a recovery code (with the mfa feature), used up' },
}, ['password', 'code', 'recoveryCode']);
/** The step-up's answer: a token response that never carries a refresh token (the session keeps its own). */
const REAUTHENTICATED_MODEL = new Model('AuthkitReauthenticateResponse', TOKEN_FIELDS);
const REFRESH_REQUEST = requestModel('AuthkitRefreshRequest', { refreshToken: { type: 'string', maxLength: 1024 } }, ['refreshToken']);
const MFA_SUMMARY_MODEL = new Model('AuthkitMfaSummary', {
  enrolled: { type: 'boolean', description: 'a confirmed second factor: a sign-in asks for it' },
  methods: { type: 'array', items: { type: 'string' }, description: "what finishes a sign-in or a step-up: 'totp', 'recovery_code'" },
  recoveryCodesLeft: { type: 'integer' },
});
const ME_MODEL = new Model('AuthkitMe', {
  ...USER_MODEL.properties, emailVerified: { type: 'boolean' }, sessionId: { type: 'string' },
  amr: { type: 'array', items: { type: 'string' }, description: "how the session signed in (RFC 8176): 'pwd', 'oauth'..." },
  mfa: MFA_SUMMARY_MODEL,
}, ['mfa']);

function sessionRoutes(cookie: ResolvedCookieOptions): Record<string, RouteDoc> {
  const body = cookie.refreshTokenTransport !== 'cookie';
  return {
    refresh: {
      summary: 'Rotate the refresh token (cookie, or refreshToken in the body)', security: ['cookie'], body: REFRESH_REQUEST,
      success: { status: 200, description: 'A new access token and a rotated refresh token', schema: tokenResponse(body) },
      errors: [[401, ['refresh_token_missing', 'refresh_token_transport', 'refresh_token_invalid', 'refresh_token_superseded', 'refresh_token_reused']],
        [403, ['cross_site_request']], STORE_DOWN],
    },
    logout: {
      summary: 'End this session and clear the refresh cookie', security: ['bearer', 'cookie'],
      success: { status: 204, description: 'Signed out' }, errors: [SIGNED_IN, [403, ['cross_site_request']], STORE_DOWN],
    },
    logoutAll: {
      summary: 'End every session of the user', security: ['bearer'],
      success: { status: 204, description: 'Every session ended' }, errors: [SIGNED_IN, [403, ['cross_site_request']], STORE_DOWN],
    },
    me: {
      summary: 'The signed-in user', security: ['bearer'],
      success: { status: 200, description: 'The user and this session', schema: ME_MODEL },
      errors: [SIGNED_IN, STORE_DOWN],
    },
    sessions: {
      summary: "The user's sessions (devices)", security: ['bearer'],
      success: { status: 200, description: 'One entry per session', schema: [SESSION_MODEL] },
      errors: [SIGNED_IN, STORE_DOWN],
    },
    revokeSession: {
      summary: 'End one of the user\'s sessions', security: ['bearer'],
      success: { status: 204, description: 'Session ended' }, errors: [SIGNED_IN, [404, ['session_not_found']], STORE_DOWN],
    },
  };
}

const REAUTHENTICATE_ROUTE: RouteDoc = {
  summary: 'Step-up: prove it is you again (exactly one of password, code, recoveryCode)', security: ['bearer'], body: REAUTHENTICATE_REQUEST,
  success: {
    status: 200, schema: REAUTHENTICATED_MODEL,
    description: 'An access token for the same session with a fresh auth_time and the proof\'s amr; no new refresh token (the current one keeps working)',
  },
  errors: [[400, ['validation_failed']], [401, [...SIGNED_IN[1], 'invalid_credentials', 'mfa_code_invalid']], ...JSON_BODY_ERRORS,
    [429, ['too_many_attempts']], STORE_DOWN],
};

/** Documents the kernel's routes (refresh, logout, me, sessions, reauthenticate) for `@nestjs/swagger`, when the app has it. */
export function documentSessionRoutes(controllers: { sessions: Type; reauthentication: Type }, cookie: ResolvedCookieOptions): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  documentRoutes(swagger, controllers.sessions, sessionRoutes(cookie));
  documentRoutes(swagger, controllers.reauthentication, { reauthenticate: REAUTHENTICATE_ROUTE });
}
