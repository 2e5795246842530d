import type { Type } from '@nestjs/common';
import type { ResolvedCookieOptions } from './cookie.options';
import type { ResolvedOAuthOptions } from '../oauth/oauth.options';

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
const CREDENTIALS = {
  type: 'object', required: ['email', 'password'], additionalProperties: false,
  properties: { email: { type: 'string', format: 'email', maxLength: 254 }, password: { type: 'string', minLength: 8, maxLength: 128 } },
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
  body?: object;
  success: { status: number; description: string; schema?: object };
  errors: ErrorDoc[];
  /** `bearer`: an access token; `cookie`: the refresh cookie; both when either works. */
  security: ('bearer' | 'cookie')[];
}

const STORE_DOWN: ErrorDoc = [503, ['store_unavailable']];

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
      summary: 'Sign in with email and password', body: CREDENTIALS, security: [],
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
      success: { status: 204, description: 'Signed out' }, errors: [[401, ['access_token_missing', 'access_token_invalid']], STORE_DOWN],
    },
    logoutAll: {
      summary: 'End every session of the user', security: ['bearer'],
      success: { status: 204, description: 'Every session ended' }, errors: [[401, ['access_token_missing', 'access_token_invalid', 'session_revoked']], STORE_DOWN],
    },
    me: {
      summary: 'The signed-in user', security: ['bearer'],
      success: {
        status: 200, description: 'The user and this session',
        schema: { ...PUBLIC_USER, required: [...PUBLIC_USER.required, 'sessionId'], properties: { ...PUBLIC_USER.properties, sessionId: { type: 'string' } } },
      },
      errors: [[401, ['access_token_missing', 'access_token_invalid', 'access_token_expired', 'session_revoked']], STORE_DOWN],
    },
    sessions: {
      summary: "The user's sessions (devices)", security: ['bearer'],
      success: {
        status: 200, description: 'One entry per session',
        schema: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' }, current: { type: 'boolean' }, createdAt: { type: 'string' }, lastUsedAt: { type: 'string' },
              ip: { type: 'string' }, userAgent: { type: 'string' },
            },
          },
        },
      },
      errors: [[401, ['access_token_missing', 'access_token_invalid', 'session_revoked']], STORE_DOWN],
    },
    revokeSession: {
      summary: 'End one of the user\'s sessions', security: ['bearer'],
      success: { status: 204, description: 'Session ended' }, errors: [[401, ['access_token_missing']], [404, ['session_not_found']], STORE_DOWN],
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

/**
 * Documents the auth routes for `@nestjs/swagger` when the app has it (nothing happens otherwise): request and
 * response schemas, every error status with its `code`s, the `bearer` (access token) and `cookie` (refresh cookie)
 * security schemes, and no OAuth route of a provider that is not configured. The app's `DocumentBuilder` declares
 * the schemes: `.addBearerAuth().addCookieAuth(cookieName)`.
 */
export function documentAuthRoutes(
  controllers: { auth?: Type; oauth?: Type }, cookie: ResolvedCookieOptions, oauth: Pick<ResolvedOAuthOptions, 'providers' | 'passport'>,
): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  const { auth, oauth: oauthController } = controllers;
  if (auth) {
    swagger.ApiTags('auth')(auth);
    for (const [method, doc] of Object.entries(authRoutes(cookie))) {
      const decorators = [
        swagger.ApiOperation({ summary: doc.summary }),
        swagger.ApiResponse({ ...doc.success }),
        ...errorResponses(swagger, doc.errors),
        ...(doc.body ? [swagger.ApiBody({ schema: doc.body })] : []),
        ...doc.security.map((scheme) => (scheme === 'bearer' ? swagger.ApiBearerAuth() : swagger.ApiCookieAuth())),
      ];
      for (const decorator of decorators) apply(decorator, auth, method);
    }
  }
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
