import { Controller, Get, type INestApplication, Post, type Type, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import {
  AccessTokenGuard, AuthModule, type AuthModuleExtras, type AuthModuleOptions, OptionalAuth, Public, Roles, RolesGuard, TokenResponder,
} from '../../lib';
import { AuthkitAuthGuard } from '../../lib/passport';
import { AllowApiKey } from '../../lib/features/api-keys/allow-api-key.decorator';
import { baseTestOptions, createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

/** An app with the module and the given app controllers (and `@nestjs/swagger`'s document of it); never listens. */
async function documented(
  keyPrefix: string, options: Partial<AuthModuleOptions> & AuthModuleExtras, controllers: Type[] = [],
): Promise<{ app: INestApplication; document: OpenAPIObject }> {
  const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot({ ...baseTestOptions(keyPrefix), ...options })], controllers }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  return { app, document: SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().addCookieAuth('authkit_rt').build()) };
}

type Schema = { $ref?: string; allOf?: Schema[]; type?: string; items?: Schema; properties?: Record<string, Schema>; required?: string[]; enum?: string[]; additionalProperties?: boolean; minLength?: number; maxLength?: number };
type Responses = Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;

/** The JSON schema of a request body or a response, with `$ref`s (and `allOf` of one) resolved against the components. */
function resolve(document: OpenAPIObject, schema: Schema): Schema {
  if (schema.$ref) return resolve(document, document.components!.schemas![schema.$ref.replace('#/components/schemas/', '')] as Schema);
  if (schema.allOf) {
    const parts = schema.allOf.map((part) => resolve(document, part));
    return parts.reduce((all, part) => ({ ...all, ...part, properties: { ...all.properties, ...part.properties } }), {} as Schema);
  }
  return schema;
}
const bodyOf = (document: OpenAPIObject, path: string): Schema =>
  resolve(document, (document.paths[path].post!.requestBody as { content: Record<string, { schema: Schema }> }).content['application/json'].schema);
const responsesOf = (document: OpenAPIObject, path: string, method: 'get' | 'post' | 'put' | 'delete'): Responses =>
  document.paths[path][method]!.responses as Responses;
const json = (response: Responses[string]): Schema => response.content!['application/json'].schema;

describe('OpenAPI (@nestjs/swagger) description of the auth routes', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    ({ app, document } = await documented('topenapi', {
      oauth: { google: { clientId: 'id', clientSecret: 'secret', callbackUrl: 'https://app.example.com/auth/google/callback' } },
    }));
  });

  afterAll(() => app.close());

  it('declares the bearer and cookie security schemes, and uses them per route', () => {
    expect(document.components?.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie' } });
    expect(document.paths['/auth/me'].get?.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/auth/refresh'].post?.security).toEqual([{ cookie: [] }]);
    expect(document.paths['/auth/login'].post?.security ?? []).toEqual([]);
  });

  it('has request and response schemas', () => {
    expect(Object.keys(bodyOf(document, '/auth/login').properties!)).toEqual(['email', 'password']);
    const ok = resolve(document, json(responsesOf(document, '/auth/login', 'post')['200']));
    expect(Object.keys(ok.properties!)).toEqual(expect.arrayContaining(['accessToken', 'tokenType', 'expiresIn', 'user']));
  });

  it('names the request and response bodies as components (Authkit…), not inline schemas', () => {
    const login = document.paths['/auth/login'].post!;
    expect((login.requestBody as { content: Record<string, { schema: Schema }> }).content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AuthkitLoginRequest' });
    expect(json(responsesOf(document, '/auth/login', 'post')['200'])).toEqual({ $ref: '#/components/schemas/AuthkitTokenResponse' });
    expect(json(responsesOf(document, '/auth/register', 'post')['201'])).toEqual({ $ref: '#/components/schemas/AuthkitTokenResponse' });
    expect(json(responsesOf(document, '/auth/refresh', 'post')['200'])).toEqual({ $ref: '#/components/schemas/AuthkitTokenResponse' });
    expect(json(responsesOf(document, '/auth/sessions', 'get')['200'])).toEqual({ type: 'array', items: { $ref: '#/components/schemas/AuthkitSession' } });
    expect(json(responsesOf(document, '/auth/me', 'get')['200'])).toEqual({ $ref: '#/components/schemas/AuthkitMe' });
    const schemas = document.components!.schemas as Record<string, Schema>;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining([
      'AuthkitError', 'AuthkitUser', 'AuthkitTokenResponse', 'AuthkitLoginRequest', 'AuthkitRegisterRequest', 'AuthkitRefreshRequest',
      'AuthkitMe', 'AuthkitSession', 'AuthkitIdentity', 'AuthkitChangePasswordRequest', 'AuthkitDeleteAccountRequest',
    ]));
    expect(schemas.AuthkitTokenResponse.properties!.user).toEqual({ $ref: '#/components/schemas/AuthkitUser' });
    // The test options' transport is 'both': refreshToken may be in the body (see below for 'cookie').
    expect(schemas.AuthkitTokenResponse.properties!.refreshToken).toMatchObject({ type: 'string' });
    expect(schemas.AuthkitTokenResponse.required).not.toContain('refreshToken');
    expect(schemas.AuthkitError).toMatchObject({ type: 'object', required: ['statusCode', 'code', 'message'] });
    expect(schemas.AuthkitLoginRequest).toMatchObject({ additionalProperties: false, required: ['email', 'password'] });
    expect(schemas.AuthkitRefreshRequest.required ?? []).toEqual([]);
    expect(schemas.AuthkitSession.required).toEqual(['id', 'current', 'createdAt', 'lastUsedAt', 'expiresAt', 'ip', 'userAgent', 'amr', 'authTime']);
  });

  it("with refreshTokenTransport 'cookie', AuthkitTokenResponse has no refreshToken", async () => {
    const cookieOnly = await documented('topenapi-cookie', { refreshTokenTransport: 'cookie' });
    try {
      const schemas = cookieOnly.document.components!.schemas as Record<string, Schema>;
      expect(Object.keys(schemas.AuthkitTokenResponse.properties!)).toEqual(['accessToken', 'tokenType', 'expiresIn', 'user']);
    } finally {
      await cookieOnly.app.close();
    }
  });

  it('lists the error statuses with their codes (AuthkitError, the code an enum of the status\'s codes)', () => {
    const responses = responsesOf(document, '/auth/login', 'post');
    expect(responses['401'].description).toContain('invalid_credentials');
    expect(json(responses['401']).allOf![0]).toEqual({ $ref: '#/components/schemas/AuthkitError' });
    expect(resolve(document, json(responses['401'])).properties!.code.enum).toEqual(['invalid_credentials']);
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['400', '401', '429', '503']));
    expect((document.paths['/auth/refresh'].post!.responses['401'] as { description: string }).description).toContain('refresh_token_reused');
  });

  it('documents GET /auth/identities as 200 (a list) and DELETE /auth/identities/{provider} as 204, not as redirects', () => {
    const list = document.paths['/auth/identities'].get!;
    expect(Object.keys(list.responses)).not.toContain('302');
    const ok = json(responsesOf(document, '/auth/identities', 'get')['200']);
    expect(ok.type).toBe('array');
    expect(Object.keys(resolve(document, ok.items!).properties!)).toEqual(['provider', 'email', 'emailVerified', 'linkedAt']);
    const unlink = document.paths['/auth/identities/{provider}'].delete!;
    expect(Object.keys(unlink.responses).sort()).toEqual(['204', '401', '404', '409', '503']);
    expect(unlink.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(document.paths['/auth/google'].get!.responses)).toContain('302');
  });

  it("the README's snippet names the configured refresh cookie: TokenResponder.refreshCookieName", async () => {
    expect(app.get(TokenResponder).refreshCookieName).toBe('authkit_rt');
    const secure = await documented('topenapi-secure', { cookie: { secure: true, name: 'rt' } });
    try {
      expect(secure.app.get(TokenResponder).refreshCookieName).toBe('__Secure-rt');
    } finally {
      await secure.app.close();
    }
  });

  it('documents GET /auth/me with emailVerified, and refresh_token_transport among the refresh failures', () => {
    expect(resolve(document, json(responsesOf(document, '/auth/me', 'get')['200'])).required).toContain('emailVerified');
    expect((document.paths['/auth/refresh'].post!.responses['401'] as { description: string }).description).toContain('refresh_token_transport');
  });

  it('documents POST /auth/reauthenticate: bearer, the three proofs, a token response without refreshToken, its 401 codes', () => {
    const route = document.paths['/auth/reauthenticate'].post!;
    expect(route.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(resolve(document, (route.requestBody as { content: Record<string, { schema: Schema }> }).content['application/json'].schema).properties ?? {}))
      .toEqual(['password', 'code', 'recoveryCode']);
    expect(resolve(document, json(responsesOf(document, '/auth/reauthenticate', 'post')['200'])).properties).not.toHaveProperty('refreshToken');
    const unauthorized = (route.responses['401'] as { description: string }).description;
    for (const code of ['invalid_credentials', 'mfa_code_invalid', 'access_token_missing']) expect(unauthorized).toContain(code);
    expect((document.paths['/auth/password/change'].post!.responses['401'] as { description: string }).description).toContain('reauthentication_required');
  });

  it('lists the OAuth routes of configured providers only', () => {
    expect(document.paths['/auth/google']).toBeDefined();
    expect(document.paths['/auth/google/callback']).toBeDefined();
    expect(document.paths['/auth/github']).toBeUndefined();
    expect(document.paths['/auth/github/callback']).toBeUndefined();
    expect(document.paths['/auth/{provider}']).toBeUndefined();
  });

  it('documents the password change and account deletion routes (on by default); features that are off are left out', () => {
    const change = document.paths['/auth/password/change'].post!;
    expect(change.security).toEqual([{ bearer: [] }]);
    expect((change.responses['400'] as { description: string }).description).toContain('weak_password');
    expect((change.responses['401'] as { description: string }).description).toContain('invalid_credentials');
    expect(Object.keys(bodyOf(document, '/auth/password/change').properties!)).toEqual(['currentPassword', 'newPassword']);
    expect((document.paths['/auth/account'].delete!.responses['401'] as { description: string }).description).toContain('reauthentication_required');
    // passwordReset and emailVerification are off without their url; the admin routes are not mounted.
    expect(document.paths['/auth/password/forgot']).toBeUndefined();
    expect(document.paths['/auth/email/verify']).toBeUndefined();
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/auth/admin'))).toEqual([]);
  });

  it('login takes any password of 1..128 characters; registration the policy minimum', () => {
    const schemaOf = (path: string) => bodyOf(document, path).properties!.password;
    expect(schemaOf('/auth/login')).toMatchObject({ minLength: 1, maxLength: 128 });
    expect(schemaOf('/auth/register')).toMatchObject({ minLength: 8, maxLength: 128 });
  });
});

describe('OpenAPI with every feature on (password reset, email verification, admin routes)', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    ({ app, document } = await documented('topenapi2', {
      passwordReset: { url: 'https://app.example.com/reset' },
      emailVerification: { url: 'https://app.example.com/verify' },
      mfa: { encryptionKeys: [{ id: 'k1', key: Buffer.alloc(32, 1) }] },
      organizations: { invitationUrl: 'https://app.example.com/invitations' },
      apiKeys: {},
      magicLink: { url: 'https://app.example.com/sign-in/link' },
      adminRoutes: true,
    }));
  });

  it('documents the organization routes: bearer, the active-organization refusals, the last-owner rule', () => {
    expect(document.paths['/auth/orgs'].post!.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/auth/orgs'].get).toBeDefined();
    expect((document.paths['/auth/orgs/active'].post!.responses['403'] as { description: string }).description).toContain('org_membership_required');
    expect((document.paths['/auth/orgs/{orgId}/members'].get!.responses['403'] as { description: string }).description).toBe('code: org_not_active, org_role_required');
    expect((document.paths['/auth/orgs/{orgId}/members/{userId}'].patch!.responses['409'] as { description: string }).description).toContain('org_last_owner');
    expect((document.paths['/auth/orgs/{orgId}/members/{userId}'].delete!.responses['401'] as { description: string }).description).toContain('access_token_stale');
    expect((document.paths['/auth/orgs/invitations/accept'].post!.responses['403'] as { description: string }).description).toContain('org_invitation_email_mismatch');
    expect(document.paths['/auth/orgs/{orgId}/invitations'].post).toBeDefined();
    expect(document.paths['/auth/orgs/{orgId}/transfer'].post).toBeDefined();
    expect(document.paths['/auth/orgs/{orgId}/invitations'].get).toBeDefined();
    expect((document.paths['/auth/orgs/{orgId}/invitations/{invitationId}'].delete!.responses['404'] as { description: string }).description).toContain('org_invitation_not_found');
    expect((document.paths['/auth/orgs/{orgId}'].delete!.responses['401'] as { description: string }).description).toContain('reauthentication_required');
    expect(document.paths['/auth/orgs/{orgId}'].patch).toBeDefined();
    expect((document.paths['/auth/orgs/active'].post!.responses['403'] as { description: string }).description).toContain('org_mfa_required');
  });

  afterAll(() => app.close());

  it('documents forgot, reset and verification, public and with their codes', () => {
    const forgot = document.paths['/auth/password/forgot'].post!;
    expect(forgot.security ?? []).toEqual([]);
    expect(Object.keys(forgot.responses)).toEqual(expect.arrayContaining(['202', '400', '429', '503']));
    expect((document.paths['/auth/password/reset'].post!.responses['400'] as { description: string }).description).toContain('token_invalid');
    expect(document.paths['/auth/email/verify/request'].post).toBeDefined();
    expect((document.paths['/auth/email/verify'].post!.responses['400'] as { description: string }).description).toContain('token_invalid');
  });

  it('documents the admin routes: bearer, 403 insufficient_role, 404 user_not_found', () => {
    const getUser = document.paths['/auth/admin/users/{id}'].get!;
    expect(getUser.security).toEqual([{ bearer: [] }]);
    expect((getUser.responses['403'] as { description: string }).description).toContain('insufficient_role');
    expect((getUser.responses['404'] as { description: string }).description).toContain('user_not_found');
    expect(document.paths['/auth/admin/users/{id}/roles'].put).toBeDefined();
    expect(document.paths['/auth/admin/users/{id}/sessions/{sessionId}'].delete).toBeDefined();
    expect(document.paths['/auth/admin/users/{id}'].delete).toBeDefined();
  });

  it('documents the API-key and magic-link routes', () => {
    expect(document.paths['/auth/api-keys'].post!.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(bodyOf(document, '/auth/api-keys').properties!)).toEqual(['name', 'scopes', 'expiresInDays']);
    expect(Object.keys(resolve(document, json(responsesOf(document, '/auth/api-keys', 'post')['201'])).properties!)).toContain('key');
    expect((responsesOf(document, '/auth/api-keys/{id}', 'delete')['404'] as { description: string }).description).toBe('code: api_key_not_found');
    expect(document.paths['/auth/admin/users/{id}/api-keys'].get!.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/auth/magic-link'].post!.security ?? []).toEqual([]);
    expect(Object.keys(bodyOf(document, '/auth/magic-link/verify').properties!)).toEqual(['token']);
    expect((responsesOf(document, '/auth/magic-link/verify', 'post')['400'] as { description: string }).description).toContain('token_invalid');
  });

  it('documents the MFA routes: verify public with its codes, enrolment and management with bearer, the admin reset', () => {
    const verify = document.paths['/auth/mfa/verify'].post!;
    expect(verify.security ?? []).toEqual([]);
    expect((verify.responses['401'] as { description: string }).description).toBe('code: mfa_code_invalid, mfa_token_invalid');
    expect((verify.responses['429'] as { description: string }).description).toContain('too_many_attempts');
    expect(Object.keys(verify.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '429', '503']));
    expect(document.paths['/auth/mfa'].get!.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/auth/mfa/totp/setup'].post).toBeDefined();
    expect((document.paths['/auth/mfa/totp/confirm'].post!.responses['400'] as { description: string }).description).toContain('mfa_setup_required');
    expect((document.paths['/auth/mfa/totp'].delete!.responses['409'] as { description: string }).description).toContain('mfa_not_enabled');
    expect(document.paths['/auth/mfa/recovery-codes'].post).toBeDefined();
    expect(document.paths['/auth/admin/users/{id}/mfa'].delete!.security).toEqual([{ bearer: [] }]);
  });
});

describe('OpenAPI without the mfa option', () => {
  it('leaves the MFA, API-key and magic-link routes out when off (they answer 404)', async () => {
    const { app, document } = await documented('topenapi3', {});
    expect(Object.keys(document.paths).filter((path) => /\/mfa|\/orgs|api-keys|magic-link/.test(path))).toEqual([]);
    await app.close();
  });
});

/** An app's own routes, under the global guards (the default). */
@Controller('notes')
class NotesController {
  @Get() list() { return []; }
  @Public() @Get('health') health() { return 'ok'; }
  @Roles('admin') @Post('purge') purge() { return 0; }
  @OptionalAuth() @Get('feed') feed() { return []; }
  @ApiBearerAuth('jwt') @ApiResponse({ status: 401, description: 'my own 401' }) @Get('own') own() { return 'own'; }
}

@Roles('editor')
@Controller('drafts')
class DraftsController {
  @Get() list() { return []; }
  @Public() @Get('public') open() { return []; }
}

/** The same kinds of routes with `globalGuards: false`: only the guarded ones get the security. */
@Controller('reports')
class ReportsController {
  @Get('open') open() { return []; }
  @UseGuards(AccessTokenGuard) @Get('mine') mine() { return []; }
  @UseGuards(AccessTokenGuard, RolesGuard) @Roles('admin') @Get('all') all() { return []; }
  @UseGuards(AuthkitAuthGuard()) @Get('passport') viaPassport() { return []; }
  @Roles('admin') @UseGuards(AccessTokenGuard) @Get('roles-unchecked') rolesUnchecked() { return []; }
}

describe("OpenAPI of the app's own routes: the bearer requirement, 401 and 403 where the library's guards apply", () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    ({ app, document } = await documented('topenapi3', {}, [NotesController, DraftsController]));
  });

  afterAll(() => app.close());

  it('a route that is not @Public() gets bearer and the 401 (AuthkitError with the access-token codes)', () => {
    const list = document.paths['/notes'].get!;
    expect(list.security).toEqual([{ bearer: [] }]);
    const responses = list.responses as Responses;
    expect(Object.keys(responses).sort()).toEqual(['200', '401']);
    expect(json(responses['401']).allOf![0]).toEqual({ $ref: '#/components/schemas/AuthkitError' });
    expect(resolve(document, json(responses['401'])).properties!.code.enum).toEqual(['access_token_missing', 'access_token_invalid', 'access_token_expired', 'session_revoked']);
    expect(document.components!.schemas!.AuthkitError).toBeDefined();
  });

  it('@Public() routes get neither; @Roles() routes (handler or controller) get the 403 insufficient_role too', () => {
    expect(document.paths['/notes/health'].get!.security).toBeUndefined();
    expect(Object.keys(document.paths['/notes/health'].get!.responses)).toEqual(['200']);
    const purge = document.paths['/notes/purge'].post!;
    expect(purge.security).toEqual([{ bearer: [] }]);
    expect(resolve(document, json((purge.responses as Responses)['403'])).properties!.code.enum).toEqual(['insufficient_role']);
    expect(Object.keys(document.paths['/drafts'].get!.responses).sort()).toEqual(['200', '401', '403']);
    expect(document.paths['/drafts/public'].get!.security).toBeUndefined();
    expect(Object.keys(document.paths['/notes'].get!.responses)).not.toContain('403');
  });

  it('@OptionalAuth() routes: the token is optional (bearer or nothing) and there is no 401', () => {
    const feed = document.paths['/notes/feed'].get!;
    expect(feed.security).toEqual([{ bearer: [] }, {}]);
    expect(Object.keys(feed.responses)).toEqual(['200']);
  });

  it("what the app declares itself wins: its own security scheme and its own 401", () => {
    const own = document.paths['/notes/own'].get!;
    expect(own.security).toEqual([{ jwt: [] }]);
    expect((own.responses as Responses)['401'].description).toBe('my own 401');
  });

  it("the library's own routes keep their own documentation (login stays public, me has its own 401)", () => {
    expect(document.paths['/auth/login'].post!.security ?? []).toEqual([]);
    expect(document.paths['/auth/me'].get!.security).toEqual([{ bearer: [] }]);
  });

  it('documenting again (a second app of the same classes) adds nothing twice', async () => {
    const again = await documented('topenapi3b', {}, [NotesController, DraftsController]);
    try {
      expect(again.document.paths['/notes'].get!.security).toEqual([{ bearer: [] }]);
      expect(again.document.paths['/notes/feed'].get!.security).toEqual([{ bearer: [] }, {}]);
      expect(again.document.paths['/notes/purge'].post).toEqual(document.paths['/notes/purge'].post);
    } finally {
      await again.app.close();
    }
  });
});

describe("OpenAPI of the app's own routes with globalGuards: false", () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    ({ app, document } = await documented('topenapi4', { globalGuards: false }, [ReportsController]));
  });

  afterAll(() => app.close());

  it('only routes with @UseGuards(AccessTokenGuard) or AuthkitAuthGuard() get bearer and 401; RolesGuard with @Roles adds 403', () => {
    expect(document.paths['/reports/open'].get!.security).toBeUndefined();
    expect(Object.keys(document.paths['/reports/open'].get!.responses)).toEqual(['200']);
    expect(document.paths['/reports/mine'].get!.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(document.paths['/reports/mine'].get!.responses).sort()).toEqual(['200', '401']);
    expect(Object.keys(document.paths['/reports/all'].get!.responses).sort()).toEqual(['200', '401', '403']);
    expect(document.paths['/reports/passport'].get!.security).toEqual([{ bearer: [] }]);
    // @Roles without RolesGuard checks nothing: no 403 promised.
    expect(Object.keys(document.paths['/reports/roles-unchecked'].get!.responses).sort()).toEqual(['200', '401']);
  });
});

describe('the named schemas say what the routes answer', () => {
  let testApp: TestApp;
  let schemas: Record<string, Schema>;

  beforeAll(async () => {
    // MFA on, so GET /auth/me shows its optional `mfa` too.
    testApp = await createTestApp({ mfa: { encryptionKeys: [{ id: 'k1', key: Buffer.alloc(32, 4) }] } });
    schemas = SwaggerModule.createDocument(testApp.app, new DocumentBuilder().addBearerAuth().build()).components!.schemas as Record<string, Schema>;
  });

  afterAll(() => testApp.close());

  /** The response's keys are the schema's properties, and each required property is there. */
  const expectShape = (body: object, schema: Schema) => {
    expect(Object.keys(body).sort()).toEqual(Object.keys(schema.properties!).filter((key) => key in body).sort());
    expect(Object.keys(body)).toEqual(expect.arrayContaining(schema.required ?? []));
  };

  it('register, me, sessions and a refused request, against AuthkitTokenResponse, AuthkitUser, AuthkitMe, AuthkitSession, AuthkitError', async () => {
    const registered = await http(testApp.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: 'a long enough password 1' } });
    expect(registered.status).toBe(201);
    expectShape(registered.body, schemas.AuthkitTokenResponse);
    expectShape(registered.body.user, schemas.AuthkitUser);
    const token = registered.body.accessToken as string;
    const me = await http(testApp.url, 'GET', '/auth/me', { token });
    expectShape(me.body, schemas.AuthkitMe);
    expect(Object.keys(me.body).sort()).toEqual(Object.keys(schemas.AuthkitMe.properties!).sort());
    expect(schemas.AuthkitMe.required).not.toContain('mfa');
    expectShape(me.body.mfa, schemas.AuthkitMfaSummary);
    expect(Object.keys(me.body.mfa).sort()).toEqual(Object.keys(schemas.AuthkitMfaSummary.properties!).sort());
    const sessions = await http(testApp.url, 'GET', '/auth/sessions', { token });
    expect(Object.keys(sessions.body[0]).sort()).toEqual(Object.keys(schemas.AuthkitSession.properties!).sort());
    const refused = await http(testApp.url, 'GET', '/auth/me');
    expect(Object.keys(refused.body).sort()).toEqual(Object.keys(schemas.AuthkitError.properties!).sort());
  });
});

/** Routes that accept API keys: by `@AllowApiKey()` (with scopes) and by the `apiKeys.routes` option. */
@Controller('keyed-docs')
class KeyedDocsController {
  @AllowApiKey({ scopes: ['reports:read'] }) @Get('decorated') decorated() { return []; }
  @Get('by-option') byOption() { return []; }
  @Get('session-only') sessionOnly() { return []; }
}

describe('OpenAPI of the routes that accept API keys: the apiKey scheme beside bearer', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ ...baseTestOptions('topenapi5'), apiKeys: { routes: [{ controller: KeyedDocsController, handlers: ['byOption'] }] } })],
      controllers: [KeyedDocsController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    document = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().addBearerAuth(undefined, 'apiKey').build());
  });

  afterAll(() => app.close());

  it('declares apiKey on the routes opted in (decorator or option), with their scopes; the others keep bearer alone', () => {
    expect(document.components?.securitySchemes).toMatchObject({ apiKey: { type: 'http', scheme: 'bearer' } });
    const decorated = document.paths['/keyed-docs/decorated'].get!;
    expect(decorated.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect((decorated as unknown as Record<string, unknown>)['x-authkit-api-key-scopes']).toEqual(['reports:read']);
    expect(document.paths['/keyed-docs/by-option'].get!.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(document.paths['/keyed-docs/session-only'].get!.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(document.paths['/keyed-docs/by-option'].get!.responses).sort()).toEqual(['200', '401']);
    // The library's own routes never take a key.
    expect(document.paths['/auth/api-keys'].get!.security).toEqual([{ bearer: [] }]);
  });
});
