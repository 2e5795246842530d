import type { Type } from '@nestjs/common';
import { EMAIL_MAX_LENGTH } from '../users/email';
import { PASSWORD_MAX_LENGTH } from '../users/identity-resolver.service';

/**
 * The OpenAPI description of the library's routes, for `@nestjs/swagger` when the app has it (an optional peer:
 * nothing happens without it). Each feature documents its own controller with `documentRoutes` and the schemas
 * here; routes of a feature that is off are left out. The app's `DocumentBuilder` declares the schemes:
 * `.addBearerAuth().addCookieAuth(cookieName)`.
 */

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

export function loadSwagger(): Swagger | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@nestjs/swagger') as Swagger;
  } catch {
    return null;
  }
}

export const ERROR_BODY = {
  type: 'object', required: ['statusCode', 'code', 'message'],
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
};
export const PUBLIC_USER = {
  type: 'object', required: ['id', 'email', 'roles'],
  properties: { id: { type: 'string' }, email: { type: 'string', nullable: true }, roles: { type: 'array', items: { type: 'string' } } },
};
export const EMAIL = { type: 'string', format: 'email', maxLength: EMAIL_MAX_LENGTH };
/** A password field: `minLength` is the form's own (login takes any 1..128 characters, new passwords the policy's minimum). */
export const password = (minLength: number) => ({ type: 'string', minLength, maxLength: PASSWORD_MAX_LENGTH });
export const objectSchema = (properties: Record<string, object>, required: string[] = Object.keys(properties)) =>
  ({ type: 'object', required, additionalProperties: false, properties });
export const MAILED_TOKEN = { type: 'string', maxLength: 512, description: 'the token from the link in the mail' };
export const ACCEPTED = {
  type: 'object', required: ['status', 'message'], properties: { status: { type: 'string', enum: ['accepted'] }, message: { type: 'string' } },
};
export const SESSION_LIST = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'string' }, current: { type: 'boolean' }, createdAt: { type: 'string' }, lastUsedAt: { type: 'string' },
      ip: { type: 'string' }, userAgent: { type: 'string' },
    },
  },
};

export function tokenResponse(withRefreshToken: boolean): object {
  const properties: Record<string, object> = {
    accessToken: { type: 'string' }, tokenType: { type: 'string', enum: ['Bearer'] }, expiresIn: { type: 'integer' }, user: PUBLIC_USER,
  };
  if (withRefreshToken) properties.refreshToken = { type: 'string', description: "with refreshTokenTransport 'body' or 'both'" };
  return { type: 'object', required: ['accessToken', 'tokenType', 'expiresIn', 'user'], properties };
}

/** One documented error status and the codes it carries. */
export type ErrorDoc = [status: number, codes: string[]];

export interface RouteDoc {
  summary: string;
  /** False: the route answers 404 (its feature is off) and is left out of the document. Default true. */
  enabled?: boolean;
  body?: object;
  success: { status: number; description: string; schema?: object };
  errors: ErrorDoc[];
  /** `bearer`: an access token; `cookie`: the refresh cookie; both when either works. */
  security: ('bearer' | 'cookie')[];
}

export const STORE_DOWN: ErrorDoc = [503, ['store_unavailable']];
export const JSON_BODY_ERRORS: ErrorDoc[] = [[413, ['payload_too_large']], [415, ['unsupported_media_type']]];
export const SIGNED_IN: ErrorDoc = [401, ['access_token_missing', 'access_token_invalid', 'access_token_expired', 'session_revoked']];

export function apply(decorator: MethodDecorator, type: Type, method: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(type.prototype, method) ?? Object.getOwnPropertyDescriptor(Object.getPrototypeOf(type.prototype), method);
  if (descriptor) decorator(type.prototype, method, descriptor);
}

export function errorResponses(swagger: Swagger, errors: ErrorDoc[]): MethodDecorator[] {
  return errors.map(([status, codes]) =>
    swagger.ApiResponse({ status, description: `code: ${codes.join(', ')}`, schema: { ...ERROR_BODY, properties: { ...ERROR_BODY.properties, code: { type: 'string', enum: codes } } } }));
}

/** Applies the route docs to a controller's methods; a disabled route is left out (set either way: mounts share the functions). */
export function documentRoutes(swagger: Swagger, controller: Type, routes: Record<string, RouteDoc>): void {
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

