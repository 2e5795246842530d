import type { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';
import { launchChromium, startSampleApp, statusIs } from '../support/chromium';
import { freePort, RedisServer } from '../support/redis-server';
import { uniqueEmail } from '../support/test-app';

/**
 * Two-factor sign-in on the sample page (`GET /app`) in a real Chromium (Debian's, driven by playwright-core): enrol
 * by reading the secret from the page (the QR code shown too), sign out, sign in with the password and then a code;
 * then turn it off as the page does it (step-up with a recovery code, then `DELETE /auth/mfa/totp`).
 */
jest.setTimeout(90_000);

const PASSWORD = 'a browser mfa password';

describe('two-factor sign-in on the sample page (real Chromium, real Redis)', () => {
  let redis: RedisServer;
  let app: INestApplication;
  let browser: Browser;
  let api: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    app = await startSampleApp(port, {
      NODE_ENV: 'production', REDIS_URL: redis.url, AUTH_JWT_SECRET: 'mfa-browser-e2e-secret-that-is-long-enough',
      AUTH_MFA_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'), AUTH_REFRESH_TRANSPORT: undefined, AUTH_ALLOWED_ORIGINS: undefined,
      GOOGLE_CLIENT_ID: undefined, GITHUB_CLIENT_ID: undefined, SAMPLE_ADMIN_EMAIL: undefined,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await redis?.stop();
  });

  it('enrol from the page (QR code and key), sign out, sign in with the password and a code; turn it off with a recovery code (step-up)', async () => {
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
    const recoveryCodes = (await page.textContent('#mfa-recovery-codes'))!.split('\n');
    expect(recoveryCodes).toHaveLength(10);
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
    // The sessions list says this session signed in with a second factor (its amr has mfa; the sign-out ended the other).
    await page.waitForSelector('#sessions li:has-text("(this browser)")');
    expect(await page.locator('#sessions li').allTextContents()).toEqual([expect.stringContaining(', with a second factor (this browser)')]);
    expect(await page.evaluate(() => JSON.stringify((globalThis as unknown as { localStorage: object }).localStorage))).toBe('{}');

    // Off, as the page does it: POST /auth/reauthenticate with the proof (the session's amr gains mfa), then
    // DELETE /auth/mfa/totp with the stepped-up token. The current step is used up: a recovery code it is.
    await page.waitForSelector('#mfa-disable:not([hidden])');
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${api}/auth/`) && request.method() !== 'GET') requests.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
    await page.fill('#mfa-disable input[name=code]', 'not-a-recovery-code');
    await page.click('#mfa-disable button');
    await page.waitForSelector('#error:has-text("That code is not valid")');
    expect(requests).toEqual(['POST /auth/reauthenticate']);
    await page.fill('#mfa-disable input[name=code]', recoveryCodes[0]);
    await page.click('#mfa-disable button');
    await page.waitForSelector('#notice:has-text("Two-factor authentication is off.")');
    await page.waitForSelector('#mfa-status:has-text("Off.")');
    expect(requests).toEqual(['POST /auth/reauthenticate', 'POST /auth/reauthenticate', 'DELETE /auth/mfa/totp']);
    expect(await page.isHidden('#mfa-disable')).toBe(true);

    // Off: the password alone signs in again.
    await page.click('#logout');
    await statusIs(page, 'You are signed out.');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[value=login]');
    await statusIs(page, 'You are signed in.');
    expect(await page.isHidden('#mfa-challenge')).toBe(true);
    await page.waitForSelector('#sessions li:has-text("(this browser)")');
    expect(await page.locator('#sessions li').allTextContents()).toEqual([expect.not.stringContaining('second factor')]);
    await context.close();
  });
});
