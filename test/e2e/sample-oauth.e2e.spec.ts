import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { freePort } from '../support/redis-server';
import { http, uniqueEmail } from '../support/test-app';
import { Browser, type OAuthTestApp } from '../support/oauth-harness';
import { createPlatformApp } from '../support/http-adapter';

const ENV_NAMES = [
  'PORT', 'AUTH_JWT_SECRET', 'GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_AUTHORIZATION_URL', 'GOOGLE_TOKEN_URL',
  'GOOGLE_USERINFO_URL', 'AUTH_OAUTH_SUCCESS_REDIRECT', 'AUTH_OAUTH_FAILURE_REDIRECT', 'GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET',
];

describe('sample app: a provider is enabled by its environment variables (DESIGN section 8)', () => {
  let provider: LocalOAuthProvider;
  let app: INestApplication;
  let url: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    for (const name of ENV_NAMES) saved[name] = process.env[name];
    const port = await freePort();
    const google = provider.googleOptions();
    Object.assign(process.env, {
      PORT: String(port),
      AUTH_JWT_SECRET: 'sample-oauth-e2e-secret-that-is-long-enough',
      GOOGLE_CLIENT_ID: google.clientId,
      GOOGLE_CLIENT_SECRET: google.clientSecret,
      GOOGLE_AUTHORIZATION_URL: google.authorizationUrl,
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GOOGLE_USERINFO_URL: google.userInfoUrl,
      AUTH_OAUTH_SUCCESS_REDIRECT: '/profile-page',
      AUTH_OAUTH_FAILURE_REDIRECT: '/login-page',
    });
    // Only one half of GitHub's pair: GitHub stays disabled.
    process.env.GITHUB_CLIENT_ID = 'only-the-id';
    delete process.env.GITHUB_CLIENT_SECRET;
    const { AppModule } = await import('../../sample/app.module');
    const { configureSampleApp } = await import('../../sample/bootstrap');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = configureSampleApp(createPlatformApp(moduleRef, { logger: false }));
    await app.listen(port, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app?.close();
    await provider?.stop();
    for (const name of ENV_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('Google sign-in works end to end with the default callback URL; GitHub is not configured (404)', async () => {
    const browser = new Browser({ url } as OAuthTestApp);
    const email = uniqueEmail('sample');
    const account = provider.addGoogleAccount({ sub: `s${Date.now()}`, email, email_verified: true });
    const { started, result } = await browser.signIn('google', account);
    expect(started.authorizeUrl.searchParams.get('redirect_uri')).toBe(`${url}/auth/google/callback`);
    expect(result.status).toBe(302);
    expect(result.location).toBe('/profile-page');
    const { me, accessToken } = await browser.me(result);
    expect(me.body.email).toBe(email);
    expect((await http(url, 'GET', '/profile', { token: accessToken })).status).toBe(200);

    expect((await http(url, 'GET', '/auth/github')).status).toBe(404);
    const failed = await browser.callback(`${url}/auth/google/callback?state=x&code=y`);
    expect(failed.location).toBe('/login-page?error=oauth_state_invalid');
  });
});
