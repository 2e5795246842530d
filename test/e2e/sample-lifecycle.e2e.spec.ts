import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LocalSmtpServer } from '../support/smtp-server';
import { http, uniqueEmail } from '../support/test-app';
import { launchChromium } from '../support/chromium';

const PASSWORD = 'a sample user password';
const NEW_PASSWORD = 'a brand new sample passphrase';

/** Keeps every log line (context + message). */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: string): void {
    this.lines.push(`${context ?? ''} ${String(message)}`);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.lines.push(`ERROR ${String(message)} ${rest.map(String).join(' ')}`);
  }
  warn(message: unknown, context?: string): void {
    this.lines.push(`${context ?? ''} ${String(message)}`);
  }
  debug(): void {}
  verbose(): void {}
}

async function startSample(env: Record<string, string | undefined>): Promise<{ app: INestApplication; url: string; logs: CapturingLogger }> {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const { AppModule } = await import('../../sample/app.module');
  const { configureSampleApp } = await import('../../sample/bootstrap');
  const logs = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).setLogger(logs).compile();
  const app = configureSampleApp(moduleRef.createNestApplication({ logger: logs }));
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), logs };
}

const ENV_KEYS = ['SMTP_URL', 'AUTH_PUBLIC_URL', 'AUTH_REQUIRE_VERIFIED_EMAIL', 'AUTH_JWT_SECRET'];

describe('sample: account lifecycle from the environment, audit trail', () => {
  const smtp = new LocalSmtpServer();
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

  beforeAll(async () => {
    await smtp.start();
  });

  afterAll(async () => {
    await smtp.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('SMTP_URL + AUTH_PUBLIC_URL: the reset mail links to the sample page, which resets; events are logged as an audit trail', async () => {
    const { app, url, logs } = await startSample({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, AUTH_PUBLIC_URL: 'https://auth.sample.test/', AUTH_REQUIRE_VERIFIED_EMAIL: undefined,
      AUTH_JWT_SECRET: 'sample-lifecycle-secret-that-is-long-enough',
    });
    try {
      const email = uniqueEmail('sample');
      const reg = await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      expect(reg.status).toBe(201);
      // Registration mails a verification link (verification is on in the sample).
      const verification = await smtp.waitForMail(email);
      expect(verification.decoded).toContain('https://auth.sample.test/account/verify-email?token=');

      expect((await http(url, 'POST', '/auth/password/forgot', { json: { email } })).status).toBe(202);
      const mail = await smtp.waitForMail(email, 2);
      expect(mail.decoded).toContain('https://auth.sample.test/account/reset-password?token=');
      const token = LocalSmtpServer.tokenIn(mail);

      const page = await http(url, 'GET', `/account/reset-password?token=${token}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.body).toContain('/account/account.js');
      expect(page.body).not.toContain(token);
      expect((await http(url, 'GET', '/account/account.js')).body).toContain('/auth/password/reset');

      expect((await http(url, 'POST', '/auth/password/reset', { json: { token, password: NEW_PASSWORD } })).status).toBe(204);
      expect((await http(url, 'POST', '/auth/login', { json: { email, password: NEW_PASSWORD } })).status).toBe(200);
      expect((await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } })).status).toBe(401);

      const audit = logs.lines.filter((line) => line.startsWith('Audit '));
      for (const name of ['authkit.user.registered', 'authkit.password.reset', 'authkit.login.succeeded', 'authkit.login.failed']) {
        expect(audit.some((line) => line.includes(name))).toBe(true);
      }
      // Emails are masked in the audit trail (issue 22): the first character and the domain.
      expect(audit.find((line) => line.includes('authkit.login.failed'))).toContain(`email=${email[0]}***@example.com`);
      expect(audit.join('\n')).not.toContain(email);
      const all = logs.lines.join('\n');
      for (const secret of [PASSWORD, NEW_PASSWORD, token, reg.body.accessToken]) expect(all).not.toContain(secret);
    } finally {
      await app.close();
    }
  });

  it('without SMTP_URL the mails are only logged as sent, never with their link; AUTH_REQUIRE_VERIFIED_EMAIL refuses unverified logins', async () => {
    const { app, url, logs } = await startSample({
      SMTP_URL: undefined, AUTH_PUBLIC_URL: undefined, AUTH_REQUIRE_VERIFIED_EMAIL: 'true',
      AUTH_JWT_SECRET: 'sample-lifecycle-secret-that-is-long-enough',
    });
    try {
      expect(logs.lines.some((line) => line.includes('SMTP_URL is not set'))).toBe(true);
      const email = uniqueEmail('nosmtp');
      const reg = await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      expect([reg.status, reg.body.status, reg.body.accessToken]).toEqual([201, 'verification_required', undefined]);
      const login = await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
      expect(login.status).toBe(403);
      expect(login.body.code).toBe('email_unverified');
      expect((await http(url, 'POST', '/auth/password/forgot', { json: { email } })).status).toBe(202);
      const deadline = Date.now() + 5000;
      const sent = () => logs.lines.filter((line) => line.includes('sent to') && line.includes('not delivered'));
      while (sent().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(sent().map((line) => /"(\w+)"/.exec(line)?.[1]).sort()).toEqual(['email_verification', 'password_reset']);
      const all = logs.lines.join('\n');
      expect(all).not.toMatch(/token=|reset-password\?|verify-email\?/);
      for (const line of sent()) expect(line).not.toContain(email); // the address is masked in the mailer's lines
    } finally {
      await app.close();
    }
  });

  it('the verification page (real Chromium) verifies nothing on load; "This was not me" takes the account from the squatter', async () => {
    const { app, url } = await startSample({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, AUTH_PUBLIC_URL: 'https://auth.sample.test/', AUTH_REQUIRE_VERIFIED_EMAIL: undefined,
      AUTH_JWT_SECRET: 'sample-lifecycle-secret-that-is-long-enough',
    });
    const browser = await launchChromium();
    try {
      const email = uniqueEmail('squatted');
      const reg = await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      expect(reg.status).toBe(201);
      const token = LocalSmtpServer.tokenIn(await smtp.waitForMail(email));
      const me = async () => http(url, 'GET', '/auth/me', { token: reg.body.accessToken });

      // A link scanner (or the victim) opens the link: the page runs its script and waits for a button press.
      const page = await (await browser.newContext()).newPage();
      const posts: string[] = [];
      page.on('request', (request) => { if (request.method() === 'POST') posts.push(new URL(request.url()).pathname); });
      await page.goto(`${url}/account/verify-email?token=${encodeURIComponent(token)}`, { waitUntil: 'networkidle' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(posts).toEqual([]);
      expect((await me()).body.emailVerified).toBe(false);

      await page.click('#not-me');
      await page.waitForFunction(() => {
        const status = (globalThis as unknown as { document: { getElementById(id: string): { textContent: string | null } | null } }).document.getElementById('result');
        return Boolean(status?.textContent);
      });
      expect(await page.textContent('#result')).toContain('signed out');
      expect(posts).toEqual(['/auth/email/verify/decline']);
      expect((await me()).status).toBe(401);
      expect((await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } })).status).toBe(401);
    } finally {
      await browser.close();
      await app.close();
    }
  });
});
