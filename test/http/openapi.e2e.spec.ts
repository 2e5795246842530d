import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../../lib';
import { baseTestOptions } from '../support/test-app';

describe('OpenAPI (@nestjs/swagger) description of the auth routes', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          ...baseTestOptions('topenapi'),
          oauth: { google: { clientId: 'id', clientSecret: 'secret', callbackUrl: 'https://app.example.com/auth/google/callback' } },
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    document = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().addCookieAuth('authkit_rt').build());
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

  it('lists the OAuth routes of configured providers only', () => {
    expect(document.paths['/auth/google']).toBeDefined();
    expect(document.paths['/auth/google/callback']).toBeDefined();
    expect(document.paths['/auth/github']).toBeUndefined();
    expect(document.paths['/auth/github/callback']).toBeUndefined();
    expect(document.paths['/auth/{provider}']).toBeUndefined();
  });
});
