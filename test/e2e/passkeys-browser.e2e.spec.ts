import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startSampleApp } from '../support/chromium';
import { freePort, RedisServer } from '../support/redis-server';
import { uniqueEmail } from '../support/test-app';

/**
 * Passkeys on the sample page (`GET /app`) in a real Chromium (Debian's, driven by playwright-core) with a CDP virtual
 * authenticator (ctap2, internal transport, resident keys, user verification): add a passkey while signed in, sign
 * out, sign in with the passkey alone; then sign in with the password and the passkey as the second factor; and the
 * email field's autofill (a `mediation: 'conditional'` request started when the signed-out page loads: Chromium's
 * virtual authenticator answers it with its discoverable credential, as a user picking it in the list would). The page
 * is opened at http://localhost:PORT (WebAuthn wants a secure context; the RP ID is `localhost`).
 */
jest.setTimeout(90_000);

const PASSWORD = 'a browser passkey password';

interface PageGlobals {
  document: { getElementById(id: string): { textContent: string | null } | null };
}

describe('passkeys on the sample page (real Chromium, virtual authenticator, real Redis)', () => {
  let redis: RedisServer;
  let app: INestApplication;
  let browser: Browser;
  let site: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const port = await freePort();
    site = `http://localhost:${port}`;
    const env: Record<string, string | undefined> = {
      NODE_ENV: 'production', REDIS_URL: redis.url, AUTH_JWT_SECRET: 'passkey-browser-e2e-secret-that-is-long-enough',
      AUTH_MFA_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'), AUTH_REFRESH_TRANSPORT: undefined, AUTH_ALLOWED_ORIGINS: undefined,
      GOOGLE_CLIENT_ID: undefined, GITHUB_CLIENT_ID: undefined, SAMPLE_ADMIN_EMAIL: undefined, AUTH_PASSKEY_RP_ID: undefined, AUTH_PASSKEY_ORIGINS: site,
    };
    app = await startSampleApp(port, env);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await redis?.stop();
  });

  const statusIs = (page: Page, text: string) =>
    page.waitForFunction((expected) => (globalThis as unknown as PageGlobals).document.getElementById('status')?.textContent === expected, text)
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}; page error: ${await page.textContent('#error')}; notice: ${await page.textContent('#notice')}`);
      });

  it('add a passkey, sign out, sign in with the passkey alone; then the passkey as the second factor after the password', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });

    await page.goto(`${site}/app`);
    await statusIs(page, 'You are signed out.');
    const email = uniqueEmail('passkey-browser');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[value=register]');
    await statusIs(page, 'You are signed in.');

    await page.click('#passkey-add');
    await page.waitForSelector('#notice:has-text("Your passkey was added")');
    await page.waitForSelector('#passkeys li');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toEqual(expect.objectContaining({ isResidentCredential: true, rpId: 'localhost' }));
    const registeredCount = credentials[0].signCount;

    await page.click('#logout');
    await statusIs(page, 'You are signed out.');
    await page.click('#passkey-sign-in');
    await statusIs(page, 'You are signed in.');
    expect(await page.textContent('#email')).toBe(email);
    // The passkey signed in: the authenticator counted one assertion.
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0].signCount).toBe(registeredCount + 1);

    await page.click('#logout');
    await statusIs(page, 'You are signed out.');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[value=login]');
    await page.waitForSelector('#mfa-challenge:not([hidden])');
    expect(await page.textContent('#status')).toBe('You are signed out.');
    await page.click('#mfa-passkey');
    await statusIs(page, 'You are signed in.');
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0].signCount).toBe(registeredCount + 2);
    // The session survives a reload (the verify set the refresh cookie); GET /auth/mfa counts the passkey.
    await page.reload();
    await statusIs(page, 'You are signed in.');
    await page.waitForSelector('#passkeys li');
    await context.close();
  });

  it("offers the passkey in the email field's autofill (mediation: 'conditional') when the signed-out page loads, and signs in with it", async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    // Record how the page calls navigator.credentials.get: the sign-in below must come from the conditional request.
    await page.addInitScript(() => {
      const scope = globalThis as unknown as { navigator: { credentials: { get(options?: { mediation?: string }): Promise<unknown> } }; mediations: string[] };
      const get = scope.navigator.credentials.get.bind(scope.navigator.credentials);
      scope.mediations = [];
      scope.navigator.credentials.get = (options) => {
        scope.mediations.push(options?.mediation ?? 'none');
        return get(options);
      };
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await page.goto(`${site}/app`);
    await statusIs(page, 'You are signed out.');
    const email = uniqueEmail('passkey-conditional');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[value=register]');
    await statusIs(page, 'You are signed in.');
    await page.click('#passkey-add');
    await page.waitForSelector('#notice:has-text("Your passkey was added")');
    const registeredCount = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0].signCount;
    await page.click('#logout');
    await statusIs(page, 'You are signed out.');

    // A fresh load while signed out: the page starts a conditional request, nothing is clicked.
    const options = page.waitForResponse((response) => response.url().endsWith('/auth/passkeys/authentication/options'));
    await page.reload();
    expect((await options).status()).toBe(200);
    await statusIs(page, 'You are signed in.');
    expect(await page.textContent('#email')).toBe(email);
    expect(await page.evaluate(() => (globalThis as unknown as { mediations: string[] }).mediations)).toEqual(['conditional']);
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0].signCount).toBe(registeredCount + 1);
    await context.close();
  });
});
