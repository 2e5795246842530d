import type { Type } from '@nestjs/common';
import { EMAIL_MAX_LENGTH } from '../users/email';
import { PASSWORD_MAX_LENGTH } from '../users/identity-resolver.service';

/**
 * The OpenAPI description of the library's routes, for `@nestjs/swagger` when the app has it (an optional peer:
 * nothing happens without it). Each feature documents its own controller with `documentRoutes` and the schemas
 * here; routes of a feature that is off are left out. Request and response bodies are named component schemas
 * (`#/components/schemas/Authkit…`, prefixed so they never collide with an app's own DTOs). The app's
 * `DocumentBuilder` declares the schemes: `.addBearerAuth().addCookieAuth(cookieName)`.
 */

/** The parts of `@nestjs/swagger` used here (an optional peer, loaded only when installed). */
export interface Swagger {
  ApiTags(...tags: string[]): ClassDecorator & MethodDecorator;
  ApiOperation(options: { summary: string }): MethodDecorator;
  ApiBody(options: { schema?: object; type?: Type }): MethodDecorator;
  ApiResponse(options: { status: number; description: string; schema?: object; type?: Type; isArray?: boolean }): MethodDecorator;
  ApiBearerAuth(name?: string): MethodDecorator;
  ApiCookieAuth(name?: string): MethodDecorator;
  ApiSecurity(requirement: Record<string, string[]>): MethodDecorator;
  ApiExcludeEndpoint(disable?: boolean): MethodDecorator;
  ApiProperty(options: object): PropertyDecorator;
  ApiSchema(options: object): ClassDecorator;
  ApiExtraModels(...models: Type[]): ClassDecorator;
  getSchemaPath(model: string | Type): string;
  DECORATORS: { API_EXTRA_MODELS: string; API_SECURITY: string; API_RESPONSE: string };
}

export function loadSwagger(): Swagger | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@nestjs/swagger') as Swagger;
  } catch {
    return null;
  }
}

/** A property of a named schema: a JSON schema, another named schema, or an array of one (`[Model]`). */
export type SchemaProperty = object | Model | [Model];

/** A named component schema (`#/components/schemas/<name>`); its properties are required unless `optional` lists them. */
export class Model {
  constructor(
    readonly name: string,
    readonly properties: Readonly<Record<string, SchemaProperty>>,
    readonly optional: readonly string[] = [],
    /** Request bodies refuse unknown fields (`additionalProperties: false`); responses may grow. */
    readonly closed = false,
  ) {}
}

/** A request body: a closed model. */
export const requestModel = (name: string, properties: Record<string, SchemaProperty>, optional: string[] = []) =>
  new Model(name, properties, optional, true);

const classes = new WeakMap<Model, Type>();

/** The class `@nestjs/swagger` explores for a model (one per model, built once): its name is the schema's. */
export function modelClass(swagger: Swagger, model: Model): Type {
  let type = classes.get(model);
  if (type) return type;
  const built = class {};
  Object.defineProperty(built, 'name', { value: model.name });
  classes.set(model, built);
  for (const [key, property] of Object.entries(model.properties)) {
    const schema = property instanceof Model ? { type: () => modelClass(swagger, property) }
      : Array.isArray(property) ? { type: () => [modelClass(swagger, property[0])] } : property;
    swagger.ApiProperty({ ...schema, required: !model.optional.includes(key) })(built.prototype, key);
  }
  swagger.ApiSchema({ name: model.name, ...(model.closed ? { additionalProperties: false } : {}) })(built);
  type = built;
  return type;
}

/** Adds models to a class's extra models (`@ApiExtraModels`) once, however often the module is built. */
export function addExtraModels(swagger: Swagger, target: Type, models: Model[]): void {
  const present: unknown[] = Reflect.getMetadata(swagger.DECORATORS.API_EXTRA_MODELS, target) ?? [];
  const missing = models.map((model) => modelClass(swagger, model)).filter((type) => !present.includes(type));
  if (missing.length > 0) swagger.ApiExtraModels(...missing)(target);
}

export const ERROR_MODEL = new Model('AuthkitError', { statusCode: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } });
export const USER_MODEL = new Model('AuthkitUser', {
  id: { type: 'string' }, email: { type: 'string', nullable: true }, roles: { type: 'array', items: { type: 'string' } },
});
export const EMAIL = { type: 'string', format: 'email', maxLength: EMAIL_MAX_LENGTH };
/** A password field: `minLength` is the form's own (login takes any 1..128 characters, new passwords the policy's minimum). */
export const password = (minLength: number) => ({ type: 'string', minLength, maxLength: PASSWORD_MAX_LENGTH });
export const MAILED_TOKEN = { type: 'string', maxLength: 512, description: 'the token from the link in the mail' };
export const ACCEPTED_MODEL = new Model('AuthkitAccepted', { status: { type: 'string', enum: ['accepted'] }, message: { type: 'string' } });
export const SESSION_MODEL = new Model('AuthkitSession', {
  id: { type: 'string' }, current: { type: 'boolean', description: 'the session of the access token' },
  createdAt: { type: 'string', format: 'date-time' }, lastUsedAt: { type: 'string', format: 'date-time' }, expiresAt: { type: 'string', format: 'date-time' },
  ip: { type: 'string', nullable: true }, userAgent: { type: 'string', nullable: true },
  amr: { type: 'array', items: { type: 'string' }, description: "how the session signed in or last stepped up (RFC 8176): 'pwd', 'oauth', 'otp', 'mfa'..." },
  authTime: { type: 'string', format: 'date-time', description: "when the session last proved the user (sign-in or step-up): the access token's auth_time" },
});

export const TOKEN_FIELDS = { accessToken: { type: 'string' }, tokenType: { type: 'string', enum: ['Bearer'] }, expiresIn: { type: 'integer' }, user: USER_MODEL };
/** `AuthkitTokenResponse`: with `refreshToken` when the transport puts it in the body ('body' or 'both'). */
const TOKEN_RESPONSES = [
  new Model('AuthkitTokenResponse', TOKEN_FIELDS),
  new Model('AuthkitTokenResponse', { ...TOKEN_FIELDS, refreshToken: { type: 'string', description: "with refreshTokenTransport 'body' or 'both'" } }, ['refreshToken']),
];
export const tokenResponse = (withRefreshToken: boolean): Model => TOKEN_RESPONSES[withRefreshToken ? 1 : 0];

/** One documented error status and the codes it carries. */
export type ErrorDoc = [status: number, codes: string[]];

/** A success response: a model, a list of one (`[Model]`), or no body. */
export interface SuccessDoc { status: number; description: string; schema?: Model | [Model] }

export interface RouteDoc {
  summary: string;
  /** False: the route answers 404 (its feature is off) and is left out of the document. Default true. */
  enabled?: boolean;
  body?: Model;
  success: SuccessDoc;
  errors: ErrorDoc[];
  /** `bearer`: an access token; `cookie`: the refresh cookie; both when either works. */
  security: ('bearer' | 'cookie')[];
}

export const STORE_DOWN: ErrorDoc = [503, ['store_unavailable']];
export const JSON_BODY_ERRORS: ErrorDoc[] = [[413, ['payload_too_large']], [415, ['unsupported_media_type']]];
export const SIGNED_IN: ErrorDoc = [401, ['access_token_missing', 'access_token_invalid', 'access_token_expired', 'session_revoked']];
export const ROLE_MISSING: ErrorDoc = [403, ['insufficient_role']];

export function apply(decorator: MethodDecorator, type: Type, method: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(type.prototype, method) ?? Object.getOwnPropertyDescriptor(Object.getPrototypeOf(type.prototype), method);
  if (descriptor) decorator(type.prototype, method, descriptor);
}

/** An error response: `AuthkitError` with the status's codes as the `code` enum (the controller needs `ERROR_MODEL` among its extra models). */
export function errorResponse(swagger: Swagger, [status, codes]: ErrorDoc): MethodDecorator {
  const schema = { allOf: [{ $ref: swagger.getSchemaPath(ERROR_MODEL.name) }, { type: 'object', properties: { code: { type: 'string', enum: codes } } }] };
  return swagger.ApiResponse({ status, description: `code: ${codes.join(', ')}`, schema });
}

export function errorResponses(swagger: Swagger, errors: ErrorDoc[]): MethodDecorator[] {
  return errors.map((error) => errorResponse(swagger, error));
}

export function successResponse(swagger: Swagger, { schema, ...success }: SuccessDoc): MethodDecorator {
  if (!schema) return swagger.ApiResponse(success);
  return Array.isArray(schema)
    ? swagger.ApiResponse({ ...success, type: modelClass(swagger, schema[0]), isArray: true })
    : swagger.ApiResponse({ ...success, type: modelClass(swagger, schema) });
}

/** Applies the route docs to a controller's methods; a disabled route is left out (set either way: mounts share the functions). */
export function documentRoutes(swagger: Swagger, controller: Type, routes: Record<string, RouteDoc>): void {
  swagger.ApiTags('auth')(controller);
  addExtraModels(swagger, controller, [ERROR_MODEL]);
  for (const [method, doc] of Object.entries(routes)) {
    const enabled = doc.enabled !== false;
    apply(swagger.ApiExcludeEndpoint(!enabled), controller, method);
    if (!enabled) continue;
    const decorators = [
      swagger.ApiOperation({ summary: doc.summary }),
      successResponse(swagger, doc.success),
      ...errorResponses(swagger, doc.errors),
      ...(doc.body ? [swagger.ApiBody({ type: modelClass(swagger, doc.body) })] : []),
    ];
    for (const decorator of decorators) apply(decorator, controller, method);
    applySecurity(swagger, controller, method, doc.security);
  }
}

/** The route's security requirements, once: they accumulate, and the route functions are shared by every mount. */
export function applySecurity(swagger: Swagger, controller: Type, method: string, security: RouteDoc['security']): void {
  const handler: unknown = (controller.prototype as Record<string, unknown>)[method];
  if (typeof handler !== 'function' || Reflect.getMetadata(swagger.DECORATORS.API_SECURITY, handler) !== undefined) return;
  for (const scheme of security) apply(scheme === 'bearer' ? swagger.ApiBearerAuth() : swagger.ApiCookieAuth(), controller, method);
}
