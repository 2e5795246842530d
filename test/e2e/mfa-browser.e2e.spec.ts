import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';
import { freePort, RedisServer } from '../support/redis-server';
import { uniqueEmail } from '../support/test-app';

/**
 * Two-factor sign-in on the sample page (`GET /app`) in a real Chromium (Debian's, driven by playwright-core): enrol
 * by reading the secret from the page (the QR code shown too), sign out, sign in with the password and then a code.
 */
jest.setTimeout(90_000);

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'a browser mfa password';

interface PageGlobals {
  document: { getElementById(id: string): { hidden: boolean; textContent: string | null; querySelector(selector: string): unknown } | null };
}

describe('two-factor sign-in on the sample page (real Chromium, real Redis)', () => {
  let redis: RedisServer;
  let app: INestApplication;
  let browser: Browser;
  let api: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    redis = await RedisServer.start();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const env: Record<string, string | undefined> = {
      NODE_ENV: 'production', REDIS_URL: redis.url, AUTH_JWT_SECRET: 'mfa-browser-e2e-secret-that-is-long-enough',
      AUTH_MFA_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'), AUTH_REFRESH_TRANSPORT: undefined, AUTH_ALLOWED_ORIGINS: undefined,
      GOOGLE_CLIENT_ID: undefined, GITHUB_CLIENT_ID: undefined, SAMPLE_ADMIN_EMAIL: undefined,
    };
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    try {
      const { AppModule } = await import('../../sample/app.module');
      const { configureSampleApp } = await import('../../sample/bootstrap');
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
      app = configureSampleApp(moduleRef.createNestApplication({ logger: false }));
      await app.listen(port, '127.0.0.1');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await redis?.stop();
  });

  const statusIs = (page: Page, text: string) =>
    page.waitForFunction((expected) => (globalThis as unknown as PageGlobals).document.getElementById('status')?.textContent === expected, text);

  it('enrol from the page (QR code and key), sign out, sign in with the password and a code', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${api}/app`);
    await statusIs(page, 'You are signed out.');
    const email = uniqueEmail('mfa-browser');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[value=register]');
    await statusIs(page, 'You are signed in.');
    await page.waitForSelector('#mfa-status:has-text("Off.")');

    await page.click('#mfa-setup');
    await page.waitForSelector('#mfa-qr svg');
    const secret = (await page.textContent('#mfa-secret'))!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The code of the step before now: the current one stays free for the sign-in below.
    const codeAt = (offset: number) => hotp(base32Decode(secret)!, totpStep(Date.now()) + offset);
    await page.fill('#mfa-confirm input[name=code]', codeAt(-1));
    await page.click('#mfa-confirm button');
    await page.waitForSelector('#mfa-recovery:not([hidden])');
    expect((await page.textContent('#mfa-recovery-codes'))!.split('\n')).toHaveLength(10);
    await page.waitForSelector('#mfa-status:has-text("On (10 recovery codes left).")');
    expect(await page.textContent('#mfa-secret')).toBe('');

    await page.click('#logout');
    await statusIs(page, 'You are signed out.');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[value=login]');
    await page.waitForSelector('#mfa-challenge:not([hidden])');
    expect(await page.textContent('#status')).toBe('You are signed out.');
    // A wrong code is refused on the page; the right one signs in.
    await page.fill('#mfa-code', codeAt(-7));
    await page.click('#mfa-challenge button');
    await page.waitForSelector('#error:has-text("That code is not valid")');
    await page.fill('#mfa-code', codeAt(0));
    await page.click('#mfa-challenge button');
    await statusIs(page, 'You are signed in.').catch(async (error: unknown) => {
      throw new Error(`${String(error)}; page error: ${await page.textContent('#error')}; notice: ${await page.textContent('#notice')}`);
    });
    // The session survives a reload (the refresh cookie was set by the verify).
    await page.reload();
    await statusIs(page, 'You are signed in.');
    expect(await page.evaluate(() => JSON.stringify((globalThis as unknown as { localStorage: object }).localStorage))).toBe('{}');
    await context.close();
  });
});
