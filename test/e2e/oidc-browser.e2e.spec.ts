import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startSampleApp } from '../support/chromium';
import { OidcTestProvider } from '../support/oidc-test-provider';
import { freePort } from '../support/redis-server';
import { uniqueEmail } from '../support/test-app';

/**
 * The sample page's "Sign in with <OIDC_NAME>" in a real Chromium (Debian's, driven by playwright-core) through the
 * login page of a real OpenID Provider (oidc-provider, its own process): the sample configured only from its
 * environment (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME), as in production (`NODE_ENV=production`).
 */
jest.setTimeout(90_000);

const SECRET = 'sample-oidc-client-secret-0123456789';

interface PageGlobals {
  document: { getElementById(id: string): { hidden: boolean; textContent: string | null } | null };
}

describe('the sample page: "Sign in with <name>" through a real OpenID Provider in Chromium', () => {
  let op: OidcTestProvider;
  let app: INestApplication;
  let browser: Browser;
  let api: string;

  beforeAll(async () => {
    op = await OidcTestProvider.start();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    await op.control({ clients: [{ client_id: 'sample', client_secret: SECRET, redirect_uris: [`${api}/auth/acme-sso/callback`] }] });
    const env: Record<string, string | undefined> = {
      NODE_ENV: 'production', PORT: String(port), HOST: undefined, AUTH_JWT_SECRET: 'oidc-browser-e2e-secret-long-enough-32+',
      AUTH_REFRESH_TRANSPORT: undefined, GOOGLE_CLIENT_ID: undefined, GOOGLE_CLIENT_SECRET: undefined, GITHUB_CLIENT_ID: undefined,
      GITHUB_CLIENT_SECRET: undefined, AUTH_OAUTH_SUCCESS_REDIRECT: undefined, AUTH_OAUTH_FAILURE_REDIRECT: undefined,
      OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: 'sample', OIDC_CLIENT_SECRET: SECRET, OIDC_NAME: 'acme-sso', OIDC_CALLBACK_URL: undefined,
    };
    app = await startSampleApp(port, env);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await op?.stop();
  });

  async function settled(page: Page): Promise<void> {
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById('status')?.textContent !== 'Checking your session…');
  }

  it('the link leads to the provider\'s login page; signing in there lands signed in on the page with the verified email', async () => {
    const email = uniqueEmail('sso');
    const sub = `chromium-${Date.now()}`;
    await op.control({ accounts: { [sub]: { email, email_verified: true } } });
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    try {
      const page = await context.newPage();
      await page.goto(`${api}/app`);
      await settled(page);
      await page.waitForSelector('#signed-out:not([hidden])');
      const link = page.locator('#oidc-acme-sso');
      expect(await link.textContent()).toBe('Sign in with acme-sso');
      await link.click();
      // The provider's own login page.
      await page.waitForURL((url) => url.origin === op.issuer && url.pathname.startsWith('/interaction/'));
      await page.fill('input[name=login]', sub);
      await page.fill('input[name=password]', 'anything');
      await page.click('button[type=submit]');
      await page.waitForURL(`${api}/app`);
      await settled(page);
      await page.waitForSelector('#signed-in:not([hidden])');
      expect(await page.locator('#email').textContent()).toBe(email);
      expect(await page.locator('#error').isHidden()).toBe(true);
      // The refresh token stays in the HttpOnly cookie, never in the page.
      const cookies = await context.cookies(`${api}/auth/refresh`);
      expect(cookies.find((c) => c.name === '__Secure-authkit_rt')?.httpOnly).toBe(true);
    } finally {
      await context.close();
    }
  });
});
