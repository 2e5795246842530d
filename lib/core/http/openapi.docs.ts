import type { Type } from '@nestjs/common';
import type { ResolvedCookieOptions } from './cookie.options';
import type { ResolvedAccountOptions } from '../options/account.options';
import { EMAIL_MAX_LENGTH } from '../users/email';
import { LOGIN_PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../users/identity-resolver.service';
import type { ResolvedOAuthOptions } from '../../features/oauth/oauth.options';

/** The parts of `@nestjs/swagger` used here (an optional peer, loaded only when installed). */
interface Swagger {
  ApiTags(...tags: string[]): ClassDecorator & MethodDecorator;
  ApiOperation(options: { summary: string }): MethodDecorator;
  ApiBody(options: { schema: object }): MethodDecorator;
  ApiResponse(options: { status: number; description: string; schema?: object; headers?: object }): MethodDecorator;
  ApiBearerAuth(name?: string): MethodDecorator;
  ApiCookieAuth(name?: string): MethodDecorator;
  ApiExcludeEndpoint(disable?: boolean): MethodDecorator;
}

function loadSwagger(): Swagger | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@nestjs/swagger') as Swagger;
  } catch {
    return null;
  }
}

const ERROR_BODY = {
  type: 'object', required: ['statusCode', 'code', 'message'],
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
};
const PUBLIC_USER = {
  type: 'object', required: ['id', 'email', 'roles'],
  properties: { id: { type: 'string' }, email: { type: 'string', nullable: true }, roles: { type: 'array', items: { type: 'string' } } },
};
const EMAIL = { type: 'string', format: 'email', maxLength: EMAIL_MAX_LENGTH };
/** A password field: `minLength` is the form's own (login takes any 1..128 characters, new passwords the policy's minimum). */
const password = (minLength: number) => ({ type: 'string', minLength, maxLength: PASSWORD_MAX_LENGTH });
const objectSchema = (properties: Record<string, object>, required: string[] = Object.keys(properties)) =>
  ({ type: 'object', required, additionalProperties: false, properties });
/** Registration: the policy may ask more than `minLength` (common passwords, the email itself: 400 `weak_password`). */
const CREDENTIALS = objectSchema({ email: EMAIL, password: password(PASSWORD_MIN_LENGTH) });
const LOGIN = objectSchema({ email: EMAIL, password: password(LOGIN_PASSWORD_MIN_LENGTH) });
const MAILED_TOKEN = { type: 'string', maxLength: 512, description: 'the token from the link in the mail' };
const ACCEPTED = {
  type: 'object', required: ['status', 'message'], properties: { status: { type: 'string', enum: ['accepted'] }, message: { type: 'string' } },
};
const SESSION_LIST = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'string' }, current: { type: 'boolean' }, createdAt: { type: 'string' }, lastUsedAt: { type: 'string' },
      ip: { type: 'string' }, userAgent: { type: 'string' },
    },
  },
};

function tokenResponse(withRefreshToken: boolean): object {
  const properties: Record<string, object> = {
    accessToken: { type: 'string' }, tokenType: { type: 'string', enum: ['Bearer'] }, expiresIn: { type: 'integer' }, user: PUBLIC_USER,
  };
  if (withRefreshToken) properties.refreshToken = { type: 'string', description: "with refreshTokenTransport 'body' or 'both'" };
  return { type: 'object', required: ['accessToken', 'tokenType', 'expiresIn', 'user'], properties };
}

/** One documented error status and the codes it carries. */
type ErrorDoc = [status: number, codes: string[]];

interface RouteDoc {
  summary: string;
  /** False: the route answers 404 (its feature is off) and is left out of the document. Default true. */
  enabled?: boolean;
  body?: object;
  success: { status: number; description: string; schema?: object };
  errors: ErrorDoc[];
  /** `bearer`: an access token; `cookie`: the refresh cookie; both when either works. */
  security: ('bearer' | 'cookie')[];
}

const STORE_DOWN: ErrorDoc = [503, ['store_unavailable']];
const JSON_BODY_ERRORS: ErrorDoc[] = [[413, ['payload_too_large']], [415, ['unsupported_media_type']]];
const SIGNED_IN: ErrorDoc = [401, ['access_token_missing', 'access_token_invalid', 'access_token_expired', 'session_revoked']];

function authRoutes(cookie: ResolvedCookieOptions): Record<string, RouteDoc> {
  const body = cookie.refreshTokenTransport !== 'cookie';
  return {
    register: {
      summary: 'Create an account and sign in', body: CREDENTIALS, security: [],
      success: { status: 201, description: 'Signed in (refresh token in the cookie and/or the body)', schema: tokenResponse(body) },
      errors: [[400, ['validation_failed', 'weak_password', 'malformed_json']], [403, ['registration_disabled']], [409, ['email_taken']],
        [413, ['payload_too_large']], [415, ['unsupported_media_type']], [429, ['too_many_requests']], STORE_DOWN],
    },
    login: {
      summary: 'Sign in with email and password', body: LOGIN, security: [],
      success: { status: 200, description: 'Signed in', schema: tokenResponse(body) },
      errors: [[400, ['validation_failed', 'malformed_json']], [401, ['invalid_credentials']], [403, ['user_disabled']],
        [413, ['payload_too_large']], [415, ['unsupported_media_type']], [429, ['too_many_attempts']], STORE_DOWN],
    },
    refresh: {
      summary: 'Rotate the refresh token (cookie, or refreshToken in the body)', security: ['cookie'],
      body: { type: 'object', additionalProperties: false, properties: { refreshToken: { type: 'string', maxLength: 1024 } } },
      success: { status: 200, description: 'A new access token and a rotated refresh token', schema: tokenResponse(body) },
      errors: [[401, ['refresh_token_missing', 'refresh_token_invalid', 'refresh_token_superseded', 'refresh_token_reused']],
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
      success: {
        status: 200, description: 'The user and this session',
        schema: { ...PUBLIC_USER, required: [...PUBLIC_USER.required, 'sessionId'], properties: { ...PUBLIC_USER.properties, sessionId: { type: 'string' } } },
      },
      errors: [SIGNED_IN, STORE_DOWN],
    },
    sessions: {
      summary: "The user's sessions (devices)", security: ['bearer'],
      success: { status: 200, description: 'One entry per session', schema: SESSION_LIST },
      errors: [SIGNED_IN, STORE_DOWN],
    },
    revokeSession: {
      summary: 'End one of the user\'s sessions', security: ['bearer'],
      success: { status: 204, description: 'Session ended' }, errors: [SIGNED_IN, [404, ['session_not_found']], STORE_DOWN],
    },
  };
}

/** The password routes: forgot and reset with `passwordReset` (on when its `url` is set), change with `passwordChange`. */
function passwordRoutes(account: Pick<ResolvedAccountOptions, 'passwordReset' | 'passwordChange'>): Record<string, RouteDoc> {
  return {
    forgot: {
      summary: 'Mail a password reset link (the same answer whether or not the email has an account)', enabled: account.passwordReset.enabled,
      body: objectSchema({ email: EMAIL }), security: [],
      success: { status: 202, description: 'Accepted; the link, if any, is mailed in the background', schema: ACCEPTED },
      errors: [[400, ['validation_failed', 'malformed_json']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    reset: {
      summary: 'Set a new password with the token of the reset link; every session of the user ends', enabled: account.passwordReset.enabled,
      body: objectSchema({ token: MAILED_TOKEN, password: password(PASSWORD_MIN_LENGTH) }), security: [],
      success: { status: 204, description: 'Password set' },
      errors: [[400, ['validation_failed', 'malformed_json', 'token_invalid', 'weak_password']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    change: {
      summary: "Change the signed-in user's password; the other sessions end", enabled: account.passwordChange.enabled,
      body: objectSchema({ currentPassword: password(0), newPassword: password(PASSWORD_MIN_LENGTH) }), security: ['bearer'],
      success: { status: 204, description: 'Password changed' },
      errors: [[400, ['validation_failed', 'malformed_json', 'weak_password']], [401, [...SIGNED_IN[1], 'invalid_credentials']],
        ...JSON_BODY_ERRORS, [429, ['too_many_attempts']], STORE_DOWN],
    },
  };
}

/** Email verification (`emailVerification`) and account deletion (`accountDeletion`). */
function accountRoutes(account: Pick<ResolvedAccountOptions, 'emailVerification' | 'accountDeletion'>): Record<string, RouteDoc> {
  return {
    requestVerification: {
      summary: 'Mail an email verification link: to the signed-in user (access token, empty body), or to { email } without a token',
      enabled: account.emailVerification.enabled, body: { type: 'object', additionalProperties: false, properties: { email: EMAIL } }, security: [],
      success: { status: 202, description: 'Accepted (the same answer whether or not the email has an account)', schema: ACCEPTED },
      errors: [[400, ['validation_failed', 'malformed_json']], ...JSON_BODY_ERRORS, [429, ['too_many_requests']], STORE_DOWN],
    },
    verify: {
      summary: 'Verify the email with the token of the link', enabled: account.emailVerification.enabled,
      body: objectSchema({ token: MAILED_TOKEN }), security: [],
      success: { status: 204, description: 'Email verified' },
      errors: [[400, ['validation_failed', 'malformed_json', 'token_invalid']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    deleteAccount: {
      summary: "Delete the signed-in user's account, identities and sessions (the password, or a recent sign-in without one)",
      enabled: account.accountDeletion.enabled, body: objectSchema({ password: password(0) }, []), security: ['bearer'],
      success: { status: 204, description: 'Account deleted' },
      errors: [[401, [...SIGNED_IN[1], 'invalid_credentials', 'reauthentication_required']], ...JSON_BODY_ERRORS, [429, ['too_many_attempts']], STORE_DOWN],
    },
  };
}

/** The admin routes (`adminRoutes: true`): the `admin` role required. */
function adminRoutes(): Record<string, RouteDoc> {
  const admin: ErrorDoc[] = [SIGNED_IN, [403, ['insufficient_role']]];
  const user: ErrorDoc = [404, ['user_not_found']];
  return {
    getUser: {
      summary: 'A user', security: ['bearer'],
      success: {
        status: 200, description: 'The user',
        schema: {
          ...PUBLIC_USER, required: [...PUBLIC_USER.required, 'emailVerified', 'disabled'],
          properties: { ...PUBLIC_USER.properties, emailVerified: { type: 'boolean' }, disabled: { type: 'boolean' } },
        },
      },
      errors: [...admin, user, STORE_DOWN],
    },
    setRoles: {
      summary: "Replace a user's roles (their sessions get the new roles at their next refresh)", security: ['bearer'],
      body: objectSchema({ roles: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 64 } } }),
      success: { status: 204, description: 'Roles set' },
      errors: [[400, ['validation_failed', 'malformed_json']], ...admin, user, ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    disable: {
      summary: 'Disable a user: every session ends, sign-in refused', security: ['bearer'],
      success: { status: 204, description: 'Disabled' }, errors: [...admin, user, STORE_DOWN],
    },
    enable: {
      summary: 'Enable a disabled user', security: ['bearer'],
      success: { status: 204, description: 'Enabled' }, errors: [...admin, user, STORE_DOWN],
    },
    sessions: {
      summary: "A user's sessions", security: ['bearer'],
      success: { status: 200, description: 'One entry per session', schema: SESSION_LIST }, errors: [...admin, user, STORE_DOWN],
    },
    revokeAll: {
      summary: "End every session of a user", security: ['bearer'],
      success: { status: 204, description: 'Sessions ended' }, errors: [...admin, user, STORE_DOWN],
    },
    revokeOne: {
      summary: "End one session of a user", security: ['bearer'],
      success: { status: 204, description: 'Session ended' }, errors: [...admin, [404, ['user_not_found', 'session_not_found']], STORE_DOWN],
    },
    deleteUser: {
      summary: 'Delete a user, their identities and sessions', security: ['bearer'],
      success: { status: 204, description: 'Deleted' }, errors: [...admin, user, STORE_DOWN],
    },
  };
}

/** The OAuth routes of each built-in provider, and those of passport sources (`:provider`). */
const OAUTH_ROUTES: Record<string, { provider: string | null; summary: string; security: ('bearer')[] }> = {
  google: { provider: 'google', summary: 'Start Google sign-in (302 to Google)', security: [] },
  googleCallback: { provider: 'google', summary: 'Google callback (302 to the success or failure URL)', security: [] },
  googleLink: { provider: 'google', summary: 'Link a Google account to the signed-in user', security: ['bearer'] },
  github: { provider: 'github', summary: 'Start GitHub sign-in (302 to GitHub)', security: [] },
  githubCallback: { provider: 'github', summary: 'GitHub callback (302 to the success or failure URL)', security: [] },
  githubLink: { provider: 'github', summary: 'Link a GitHub account to the signed-in user', security: ['bearer'] },
  source: { provider: null, summary: 'Start sign-in with a passport source', security: [] },
  sourceCallback: { provider: null, summary: 'Passport source callback', security: [] },
  sourceLink: { provider: null, summary: 'Link a passport source account', security: ['bearer'] },
  listIdentities: { provider: '*', summary: "The user's linked provider accounts", security: ['bearer'] },
  unlinkIdentity: { provider: '*', summary: 'Unlink a provider account', security: ['bearer'] },
};

function apply(decorator: MethodDecorator, type: Type, method: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(type.prototype, method) ?? Object.getOwnPropertyDescriptor(Object.getPrototypeOf(type.prototype), method);
  if (descriptor) decorator(type.prototype, method, descriptor);
}

function errorResponses(swagger: Swagger, errors: ErrorDoc[]): MethodDecorator[] {
  return errors.map(([status, codes]) =>
    swagger.ApiResponse({ status, description: `code: ${codes.join(', ')}`, schema: { ...ERROR_BODY, properties: { ...ERROR_BODY.properties, code: { type: 'string', enum: codes } } } }));
}

/** Applies the route docs to a controller's methods; a disabled route is left out (set either way: mounts share the functions). */
function documentRoutes(swagger: Swagger, controller: Type, routes: Record<string, RouteDoc>): void {
  swagger.ApiTags('auth')(controller);
  for (const [method, doc] of Object.entries(routes)) {
    const enabled = doc.enabled !== false;
    apply(swagger.ApiExcludeEndpoint(!enabled), controller, method);
    if (!enabled) continue;
    const decorators = [
      swagger.ApiOperation({ summary: doc.summary }),
      swagger.ApiResponse({ ...doc.success }),
      ...errorResponses(swagger, doc.errors),
      ...(doc.body ? [swagger.ApiBody({ schema: doc.body })] : []),
      ...doc.security.map((scheme) => (scheme === 'bearer' ? swagger.ApiBearerAuth() : swagger.ApiCookieAuth())),
    ];
    for (const decorator of decorators) apply(decorator, controller, method);
  }
}

/** The controllers the module mounts (each absent when not mounted). */
export interface DocumentedControllers {
  auth?: Type;
  oauth?: Type;
  password?: Type;
  account?: Type;
  admin?: Type;
}

/**
 * Documents the library's routes for `@nestjs/swagger` when the app has it (nothing happens otherwise): request and
 * response schemas, every error status with its `code`s, the `bearer` (access token) and `cookie` (refresh cookie)
 * security schemes; routes of a feature that is off (password reset, email verification...) and OAuth routes of a
 * provider that is not configured are left out. The app's `DocumentBuilder` declares the schemes:
 * `.addBearerAuth().addCookieAuth(cookieName)`.
 */
export function documentAuthRoutes(
  controllers: DocumentedControllers,
  cookie: ResolvedCookieOptions,
  oauth: Pick<ResolvedOAuthOptions, 'providers' | 'passport'>,
  account: Pick<ResolvedAccountOptions, 'passwordReset' | 'passwordChange' | 'emailVerification' | 'accountDeletion'>,
): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  if (controllers.auth) documentRoutes(swagger, controllers.auth, authRoutes(cookie));
  if (controllers.password) documentRoutes(swagger, controllers.password, passwordRoutes(account));
  if (controllers.account) documentRoutes(swagger, controllers.account, accountRoutes(account));
  if (controllers.admin) documentRoutes(swagger, controllers.admin, adminRoutes());
  const oauthController = controllers.oauth;
  if (oauthController) {
    swagger.ApiTags('auth')(oauthController);
    const builtIn = Object.keys(oauth.providers ?? {});
    const sources = Object.keys(oauth.passport ?? {});
    for (const [method, doc] of Object.entries(OAUTH_ROUTES)) {
      const configured = doc.provider === '*' ? builtIn.length + sources.length > 0 : doc.provider === null ? sources.length > 0 : builtIn.includes(doc.provider);
      // Set either way: the route functions are shared by every mount of the controller.
      apply(swagger.ApiExcludeEndpoint(!configured), oauthController, method);
      if (!configured) continue;
      const decorators = [
        swagger.ApiOperation({ summary: doc.summary }),
        swagger.ApiResponse({ status: 302, description: 'Redirect' }),
        ...errorResponses(swagger, [[401, ['oauth_state_invalid', 'oauth_access_denied', 'oauth_code_rejected']], [404, ['oauth_provider_not_configured']],
          [503, ['oauth_provider_unavailable', 'store_unavailable']]]),
        ...doc.security.map(() => swagger.ApiBearerAuth()),
      ];
      for (const decorator of decorators) apply(decorator, oauthController, method);
    }
  }
}
