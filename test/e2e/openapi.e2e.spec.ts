import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { AuthModule, type AuthModuleExtras, type AuthModuleOptions, TokenResponder } from '../../lib';
import { baseTestOptions } from '../support/test-app';

/** An app with the module (and `@nestjs/swagger`'s document of it); never listens. */
async function documented(keyPrefix: string, options: Partial<AuthModuleOptions> & AuthModuleExtras): Promise<{ app: INestApplication; document: OpenAPIObject }> {
  const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot({ ...baseTestOptions(keyPrefix), ...options })] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  return { app, document: SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().addCookieAuth('authkit_rt').build()) };
}

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
    const login = document.paths['/auth/login'].post!;
    const body = (login.requestBody as { content: Record<string, { schema: { properties: object } }> }).content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(['email', 'password']);
    const ok = login.responses['200'] as { content: Record<string, { schema: { properties: object } }> };
    expect(Object.keys(ok.content['application/json'].schema.properties)).toEqual(expect.arrayContaining(['accessToken', 'tokenType', 'expiresIn', 'user']));
  });

  it('lists the error statuses with their codes', () => {
    const responses = document.paths['/auth/login'].post!.responses as Record<string, { description: string; content?: Record<string, { schema: { properties: { code: { enum: string[] } } } }> }>;
    expect(responses['401'].description).toContain('invalid_credentials');
    expect(responses['401'].content?.['application/json'].schema.properties.code.enum).toEqual(['invalid_credentials']);
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['400', '401', '429', '503']));
    expect((document.paths['/auth/refresh'].post!.responses['401'] as { description: string }).description).toContain('refresh_token_reused');
  });

  it('documents GET /auth/identities as 200 (a list) and DELETE /auth/identities/{provider} as 204, not as redirects', () => {
    const list = document.paths['/auth/identities'].get!;
    expect(Object.keys(list.responses)).not.toContain('302');
    const ok = list.responses['200'] as { content: Record<string, { schema: { type: string; items: { properties: object } } }> };
    expect(ok.content['application/json'].schema.type).toBe('array');
    expect(Object.keys(ok.content['application/json'].schema.items.properties)).toEqual(['provider', 'email', 'emailVerified', 'linkedAt']);
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
    const me = document.paths['/auth/me'].get!.responses['200'] as { content: Record<string, { schema: { properties: object; required: string[] } }> };
    expect(me.content['application/json'].schema.required).toContain('emailVerified');
    expect((document.paths['/auth/refresh'].post!.responses['401'] as { description: string }).description).toContain('refresh_token_transport');
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
    const body = (change.requestBody as { content: Record<string, { schema: { properties: object } }> }).content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(['currentPassword', 'newPassword']);
    expect((document.paths['/auth/account'].delete!.responses['401'] as { description: string }).description).toContain('reauthentication_required');
    // passwordReset and emailVerification are off without their url; the admin routes are not mounted.
    expect(document.paths['/auth/password/forgot']).toBeUndefined();
    expect(document.paths['/auth/email/verify']).toBeUndefined();
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/auth/admin'))).toEqual([]);
  });

  it('login takes any password of 1..128 characters; registration the policy minimum', () => {
    const schemaOf = (path: string) =>
      (document.paths[path].post!.requestBody as { content: Record<string, { schema: { properties: { password: { minLength: number } } } }> })
        .content['application/json'].schema.properties.password;
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
      adminRoutes: true,
    }));
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
  it('leaves the MFA routes out (they answer 404)', async () => {
    const { app, document } = await documented('topenapi3', {});
    expect(Object.keys(document.paths).filter((path) => path.includes('/mfa'))).toEqual([]);
    await app.close();
  });
});
