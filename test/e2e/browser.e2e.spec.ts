import { createServer, type Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { launchChromium, startSampleApp } from '../support/chromium';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { freePort, RedisServer } from '../support/redis-server';
import { uniqueEmail } from '../support/test-app';

/**
 * The sample web page (`GET /app`) in a real Chromium (Debian's, driven by playwright-core; never a browser
 * download): register, reload, tabs, logout, OAuth through the local provider, a front end on another origin
 * of the same site, and one on another site. The sample runs as in production (`NODE_ENV=production`: the
 * `__Secure-` refresh cookie, which Chromium accepts over http on 127.0.0.1 only).
 *
 * Addresses: the API and page on http://127.0.0.1:<api>; the OAuth provider's pages on http://localhost:<p>
 * (another site, like accounts.google.com); a same-site front end on http://127.0.0.1:<p2>; a different-site
 * front end on http://localhost:<p3>. Both front ends are in AUTH_ALLOWED_ORIGINS (CORS with credentials).
 */
jest.setTimeout(90_000);

const PASSWORD = 'a browser test password';
const ADMIN_EMAIL = `admin-${Date.now()}@example.com`;
const ADMIN_PASSWORD = 'the sample admin password';
const COOKIE = '__Secure-authkit_rt';

/** The few DOM globals the in-page callbacks touch (this project compiles without the DOM lib). */
interface PageElement {
  hidden: boolean;
  textContent: string | null;
}
interface PageGlobals {
  document: { cookie: string; getElementById(id: string): PageElement | null };
  localStorage: { length: number };
  sessionStorage: { length: number };
  Navigator: { prototype: object };
}

/** Polls a condition of the test process (what the browser reported), for at most 10 s. */
async function expectEventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(condition()).toBe(true);
}

/** A plain page on its own origin: the "front end" of the cross-origin tests. */
async function frontEnd(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>front end</title><p>a front end on another origin</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

interface RefreshAnswer {
  status: number;
  code?: string;
}

/** What a script on a front-end page gets from the API with `credentials: 'include'` (runs in the page). */
async function crossOriginCalls(page: Page, api: string, email: string): Promise<Record<string, RefreshAnswer & { token?: string }>> {
  return page.evaluate(async ({ api, email, password }) => {
    const send = async (method: string, path: string, body?: unknown) => {
      try {
        const res = await fetch(api + path, {
          method,
          credentials: 'include',
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const data = (res.status === 204 ? {} : await res.json()) as { code?: string; accessToken?: string };
        return { status: res.status, code: data.code, token: data.accessToken };
      } catch {
        // A response CORS does not let the page read.
        return { status: -1 };
      }
    };
    return {
      register: await send('POST', '/auth/register', { email, password }),
      refresh: await send('POST', '/auth/refresh'),
      login: await send('POST', '/auth/login', { email, password }),
      refreshAgain: await send('POST', '/auth/refresh'),
      logout: await send('POST', '/auth/logout'),
      afterLogout: await send('POST', '/auth/refresh'),
    };
  }, { api, email, password: PASSWORD });
}

describe('the sample page in Chromium (issue 13)', () => {
  let redis: RedisServer;
  let provider: LocalOAuthProvider;
  let app: INestApplication;
  let browser: Browser;
  let api: string;
  let sameSite: { server: Server; port: number };
  let otherSite: { server: Server; port: number };
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    provider = await LocalOAuthProvider.start();
    sameSite = await frontEnd();
    otherSite = await frontEnd();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const google = provider.googleOptions();
    const env: Record<string, string | undefined> = {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: undefined,
      REDIS_URL: redis.url,
      AUTH_JWT_SECRET: 'browser-e2e-secret-that-is-long-enough-32+',
      AUTH_REFRESH_TRANSPORT: undefined,
      AUTH_ALLOWED_ORIGINS: `http://127.0.0.1:${sameSite.port},http://localhost:${otherSite.port}`,
      SAMPLE_ADMIN_EMAIL: ADMIN_EMAIL,
      SAMPLE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      GOOGLE_CLIENT_ID: google.clientId,
      GOOGLE_CLIENT_SECRET: google.clientSecret,
      // The browser meets the provider on another site; the app talks to it directly.
      GOOGLE_AUTHORIZATION_URL: google.authorizationUrl.replace('127.0.0.1', 'localhost'),
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GOOGLE_USERINFO_URL: google.userInfoUrl,
      GITHUB_CLIENT_ID: undefined,
      GITHUB_CLIENT_SECRET: undefined,
      AUTH_OAUTH_SUCCESS_REDIRECT: undefined,
      AUTH_OAUTH_FAILURE_REDIRECT: undefined,
    };
    app = await startSampleApp(port, env);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await provider?.stop();
    await redis?.stop();
    for (const site of [sameSite, otherSite]) {
      site?.server.closeAllConnections();
      await new Promise((resolve) => site?.server.close(resolve));
    }
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  /** A fresh browser profile (its own cookie jar); every refresh answer it receives is recorded. */
  async function newProfile(): Promise<{ context: BrowserContext; refreshes: RefreshAnswer[] }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    // Every status the page shows ("You are signed in." / "You are signed out."), per document.
    await context.addInitScript(`
      globalThis.statusLog = [];
      document.addEventListener('DOMContentLoaded', () => {
        const status = document.getElementById('status');
        if (status) new MutationObserver(() => globalThis.statusLog.push(status.textContent)).observe(status, { childList: true, subtree: true, characterData: true });
      });
    `);
    const refreshes: RefreshAnswer[] = [];
    context.on('response', async (response) => {
      if (!response.url().endsWith('/auth/refresh') || response.request().method() !== 'POST') return;
      const body = await response.json().catch(() => ({}));
      refreshes.push(body.code ? { status: response.status(), code: body.code } : { status: response.status() });
    });
    return { context, refreshes };
  }

  /** Opens the sample page and waits until its first refresh has settled. */
  async function openApp(context: BrowserContext, path = '/app'): Promise<Page> {
    const page = await context.newPage();
    await page.goto(api + path);
    await settled(page);
    return page;
  }

  async function settled(page: Page): Promise<void> {
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById('status')?.textContent !== 'Checking your session…');
  }

  async function signedInAs(page: Page): Promise<string | null> {
    await page.waitForSelector('#signed-in:not([hidden])');
    return page.locator('#email').textContent();
  }

  /** What `#status` has shown since the page (re)loaded. */
  function statusLog(page: Page): Promise<string[]> {
    return page.evaluate(() => (globalThis as unknown as { statusLog: string[] }).statusLog);
  }

  async function signedOut(page: Page): Promise<void> {
    await page.waitForSelector('#signed-out:not([hidden])');
  }

  async function submit(page: Page, action: 'register' | 'login', email: string, password = PASSWORD): Promise<void> {
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await page.click(`button[value=${action}]`);
  }

  /** Waits until the page shows `text` in `#error` (or `#notice`); fails with what it shows instead. */
  async function shows(page: Page, text: string, id: 'error' | 'notice' = 'error'): Promise<void> {
    try {
      await page.waitForFunction(([id, text]) => {
        const element = (globalThis as unknown as PageGlobals).document.getElementById(id);
        return element !== null && !element.hidden && element.textContent === text;
      }, [id, text] as const, { timeout: 10_000 });
    } catch {
      const shown = await page.locator(`#${id}`).textContent();
      throw new Error(`#${id} shows ${JSON.stringify(shown)}, expected ${JSON.stringify(text)}`);
    }
  }

  async function hide(page: Page, id: 'error' | 'notice' = 'error'): Promise<void> {
    await page.evaluate((id) => { (globalThis as unknown as PageGlobals).document.getElementById(id)!.hidden = true; }, id);
  }

  it('GET / stays JSON and links to the page; /app has a strict CSP; CORS answers the listed origins only', async () => {
    const index = await fetch(`${api}/`);
    expect(await index.json()).toMatchObject({ app: '/app' });
    const page = await fetch(`${api}/app`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('data-providers="google"');

    // CORS with credentials for the listed origins only.
    const preflight = (origin: string) => fetch(`${api}/auth/refresh`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    const allowed = await preflight(`http://127.0.0.1:${sameSite.port}`);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(`http://127.0.0.1:${sameSite.port}`);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const foreign = await preflight('http://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('register, reload (the session survives), profile, admin refused, session list; the refresh token never reaches the page', async () => {
    const { context } = await newProfile();
    const page = await openApp(context);
    await signedOut(page);
    expect(await page.locator('#error').isHidden()).toBe(true);
    const email = uniqueEmail('tab');
    await submit(page, 'register', email);
    expect(await signedInAs(page)).toBe(email);

    await page.reload();
    await settled(page);
    expect(await signedInAs(page)).toBe(email);

    await page.click('#profile');
    await page.waitForSelector('#output:not([hidden])');
    expect(await page.locator('#output').textContent()).toMatch(/^Your profile: \{[^]*"roles": \[\s*"user"\s*\]/);
    await page.click('#admin');
    await shows(page, 'You need the admin role to open the admin area.');
    await page.waitForSelector('#sessions li');
    expect(await page.locator('#sessions li').count()).toBe(1);
    expect(await page.locator('#sessions li').textContent()).toContain('(this browser)');

    // HttpOnly, Secure, SameSite=Strict, limited to /auth; nothing in document.cookie or web storage.
    const [cookie] = (await context.cookies()).filter((c) => c.name === COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/auth' });
    expect(await page.evaluate(() => { const w = globalThis as unknown as PageGlobals; return [w.document.cookie, w.localStorage.length, w.sessionStorage.length]; })).toEqual(['', 0, 0]);

    await page.click('#logout');
    await signedOut(page);
    await shows(page, 'You are logged out.', 'notice');
    expect((await context.cookies()).filter((c) => c.name === COOKIE)).toEqual([]);
    await page.reload();
    await settled(page);
    await signedOut(page);
    expect(await page.locator('#error').isHidden()).toBe(true);
  });

  it('silent refresh shortly before the access token expires (page clock fast-forwarded 12.5 of its 15 minutes)', async () => {
    const { context, refreshes } = await newProfile();
    await context.clock.install();
    const page = await openApp(context);
    const email = uniqueEmail('silent');
    await submit(page, 'register', email);
    expect(await signedInAs(page)).toBe(email);
    refreshes.length = 0;
    await page.clock.fastForward('11:00');
    expect(refreshes).toEqual([]);
    await page.clock.fastForward('01:30');
    await expectEventually(() => refreshes.length === 1);
    expect(refreshes).toEqual([{ status: 200 }]);
    expect(await signedInAs(page)).toBe(email);
    await page.click('#profile');
    await page.waitForSelector('#output:not([hidden])');
  });

  it('the seeded admin opens the admin area, reloads, and logs out', async () => {
    const { context } = await newProfile();
    const page = await openApp(context);
    await submit(page, 'login', ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(await signedInAs(page)).toBe(ADMIN_EMAIL.toLowerCase());
    await page.click('#admin');
    await page.waitForSelector('#output:not([hidden])');
    expect(await page.locator('#output').textContent()).toBe('Admin area: Welcome, admin');
    await page.reload();
    await settled(page);
    expect(await signedInAs(page)).toBe(ADMIN_EMAIL.toLowerCase());
    await page.click('#logout');
    await signedOut(page);
  });

  it('THREE tabs refreshing at the same moment: all stay signed in, the session survives (Web Locks)', async () => {
    const { context, refreshes } = await newProfile();
    const first = await openApp(context);
    const email = uniqueEmail('three');
    await submit(first, 'register', email);
    expect(await signedInAs(first)).toBe(email);
    const tabs = [first, await openApp(context), await openApp(context)];
    refreshes.length = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const isRefresh = (request: { url(): string }) => request.url().endsWith('/auth/refresh');
    context.on('request', (request) => { if (isRefresh(request)) maxInFlight = Math.max(maxInFlight, ++inFlight); });
    context.on('requestfinished', (request) => { if (isRefresh(request)) inFlight -= 1; });

    await Promise.all(tabs.map((tab) => tab.reload()));
    await Promise.all(tabs.map(settled));
    for (const tab of tabs) expect(await signedInAs(tab)).toBe(email);
    // No tab ever showed itself signed out, and the lock let one refresh through at a time.
    for (const tab of tabs) expect(await statusLog(tab)).toEqual(['You are signed in.']);
    expect(maxInFlight).toBe(1);
    // Serialised by the lock: every refresh succeeded, none was superseded.
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    expect(refreshes.every((r) => r.status === 200)).toBe(true);

    for (const tab of tabs) {
      await tab.bringToFront(); // a click in a background tab waits for its throttled frames
      await tab.click('#profile');
      await tab.waitForSelector('#output:not([hidden])');
      expect(await tab.locator('#output').textContent()).toContain('Your profile:');
    }
    await tabs[0].reload();
    await settled(tabs[0]);
    await tabs[0].waitForSelector('#sessions li');
    expect(await tabs[0].locator('#sessions li').count()).toBe(1);
  });

  it('without Web Locks the three refreshes really race: idempotent rotation answers all three alike, nobody is logged out', async () => {
    const { context, refreshes } = await newProfile();
    // A browser without the Web Locks API: the page falls back to retrying `refresh_token_superseded`.
    await context.addInitScript(() => Object.defineProperty((globalThis as unknown as PageGlobals).Navigator.prototype, 'locks', { get: () => undefined }));
    const first = await openApp(context);
    const email = uniqueEmail('race');
    await submit(first, 'register', email);
    expect(await signedInAs(first)).toBe(email);
    const tabs = [first, await openApp(context), await openApp(context)];

    // Hold the three on-load refreshes until all have been sent, then let them reach the server together.
    const held: Route[] = [];
    await context.route('**/auth/refresh', async (route) => {
      if (held.length >= 3) return route.continue();
      held.push(route);
      if (held.length === 3) await Promise.all(held.map((r) => r.continue()));
    });
    refreshes.length = 0;
    await Promise.all(tabs.map((tab) => tab.reload()));
    await Promise.all(tabs.map(settled));
    for (const tab of tabs) expect(await signedInAs(tab)).toBe(email);
    // A superseded refresh is not a logout: no tab ever showed itself signed out or an error.
    for (const tab of tabs) {
      expect(await statusLog(tab)).toEqual(['You are signed in.']);
      expect(await tab.locator('#error').isHidden()).toBe(true);
    }

    // Idempotent rotation (the default): the three duplicates of one refresh all got 200 with the same new token
    // at once (with refreshTokenRotation: 'strict', two would be `superseded` and retried by the page).
    expect(refreshes.slice(0, 3)).toEqual([{ status: 200 }, { status: 200 }, { status: 200 }]);
    expect(refreshes.every((r) => r.status === 200)).toBe(true);
    for (const tab of tabs) {
      await tab.bringToFront();
      await tab.click('#profile');
      await tab.waitForSelector('#output:not([hidden])');
    }
    await tabs[2].waitForSelector('#sessions li');
    expect(await tabs[2].locator('#sessions li').count()).toBe(1);
  });

  it('log out in one tab ends the other; log out everywhere and "revoke" end other devices', async () => {
    const email = uniqueEmail('logout');
    const laptop = await newProfile();
    const tab1 = await openApp(laptop.context);
    await submit(tab1, 'register', email);
    expect(await signedInAs(tab1)).toBe(email);
    const tab2 = await openApp(laptop.context);
    expect(await signedInAs(tab2)).toBe(email);

    await tab1.bringToFront();
    await tab1.click('#logout');
    await signedOut(tab1);
    await signedOut(tab2);
    await shows(tab2, 'You logged out in another tab.', 'notice');
    await tab2.reload();
    await settled(tab2);
    await signedOut(tab2);

    // Two devices; one revokes the other from its session list, then logs out everywhere.
    const phone = await newProfile();
    const onPhone = await openApp(phone.context);
    await submit(onPhone, 'login', email);
    expect(await signedInAs(onPhone)).toBe(email);
    await submit(tab1, 'login', email);
    expect(await signedInAs(tab1)).toBe(email);
    await tab1.waitForSelector('#sessions li >> nth=1');
    const other = tab1.locator('#sessions li', { hasNotText: '(this browser)' });
    await tab1.bringToFront();
    await other.locator('button').click();
    await shows(tab1, 'The session was revoked.', 'notice');
    await onPhone.bringToFront();
    await onPhone.click('#profile');
    await shows(onPhone, 'Your session has ended. Please log in again.');
    await signedOut(onPhone);

    await submit(onPhone, 'login', email);
    expect(await signedInAs(onPhone)).toBe(email);
    await onPhone.bringToFront();
    await onPhone.click('#logout-all');
    await signedOut(onPhone);
    await shows(onPhone, 'You are logged out on every device.', 'notice');
    await tab1.bringToFront();
    await tab1.click('#profile');
    await shows(tab1, 'Your session has ended. Please log in again.');
  });

  it('OAuth with the local provider: success signs in on the page; cancel and a replayed callback end on the page with a readable message', async () => {
    const email = uniqueEmail('google');
    const account = provider.addGoogleAccount({ sub: `b${Date.now()}`, email, email_verified: true });
    const { context } = await newProfile();
    const callbacks: string[] = [];
    context.on('request', (request) => {
      if (request.url().startsWith(`${api}/auth/google/callback`)) callbacks.push(request.url());
    });

    const page = await openApp(context);
    expect(await page.locator('#google').isVisible()).toBe(true);
    expect(await page.locator('#github').isVisible()).toBe(false);
    // The user at the provider's consent screen clicks Cancel.
    provider.browserSession = 'deny';
    await page.click('#google');
    await page.waitForURL(`${api}/app`);
    await settled(page);
    await shows(page, 'Sign-in was cancelled at the provider. Nothing was changed.');
    await signedOut(page);

    provider.browserSession = account;
    await page.click('#google');
    await page.waitForURL(`${api}/app`);
    await settled(page);
    expect(await signedInAs(page)).toBe(email);
    expect(await page.locator('#error').isHidden()).toBe(true);

    // Back to the provider's redirect (Back, then Allow again): the state is spent. Still signed in.
    await page.goto(callbacks[callbacks.length - 1]);
    await page.waitForURL(`${api}/app`);
    await settled(page);
    await shows(page, 
      'That sign-in attempt has expired or was already used. Please start the sign-in again. You are still signed in.',
    );
    expect(await signedInAs(page)).toBe(email);
    expect(await page.locator('body').textContent()).not.toContain('{"');
  });

  it('every failure code the OAuth callback can send (docs/oauth.md, Routes) gets its own readable message on the page', async () => {
    const codes = [
      'oauth_state_invalid', 'oauth_access_denied', 'oauth_provider_error', 'oauth_code_rejected', 'oauth_provider_unavailable',
      'oauth_email_unverified', 'oauth_account_exists', 'oauth_identity_in_use', 'oauth_provider_already_linked',
      'registration_disabled', 'user_disabled', 'store_unavailable',
    ];
    const { context } = await newProfile();
    const page = await context.newPage();
    const messages = new Set<string>();
    for (const code of codes) {
      await page.goto(`${api}/app?error=${code}`);
      await settled(page);
      await page.waitForSelector('#error:not([hidden])');
      const text = (await page.locator('#error').textContent()) ?? '';
      expect({ code, text }).toEqual({ code, text: expect.stringMatching(/^[A-Z][^{}]+\.$/) });
      expect(text).not.toContain('Something went wrong');
      expect(page.url()).toBe(`${api}/app`);
      messages.add(text);
    }
    expect(messages.size).toBeGreaterThanOrEqual(10);
    await page.goto(`${api}/app?error=server_error`);
    await settled(page);
    await shows(page, 'Something went wrong. Please try again.');
  });

  it('a front end on another origin of the SAME site (127.0.0.1:<p2>) registers, refreshes, logs in and out with credentials: include', async () => {
    const { context } = await newProfile();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${sameSite.port}/`);
    const calls = await crossOriginCalls(page, api, uniqueEmail('samesite'));
    expect(calls.register).toMatchObject({ status: 201, token: expect.any(String) });
    expect(calls.refresh).toMatchObject({ status: 200, token: expect.any(String) });
    expect(calls.login).toMatchObject({ status: 200, token: expect.any(String) });
    expect(calls.refreshAgain).toMatchObject({ status: 200, token: expect.any(String) });
    expect(calls.logout).toEqual({ status: 204 });
    expect(calls.afterLogout).toMatchObject({ status: 401, code: 'refresh_token_missing' });
  });

  it('a front end on a DIFFERENT site (localhost:<p3>), even with CORS allowed, can never refresh: the SameSite=Strict cookie stays out', async () => {
    const { context } = await newProfile();
    // The user is signed in on the API's own site, so the jar holds a refresh cookie for it.
    const own = await openApp(context);
    const email = uniqueEmail('othersite');
    await submit(own, 'register', email);
    expect(await signedInAs(own)).toBe(email);

    const page = await context.newPage();
    await page.goto(`http://localhost:${otherSite.port}/`);
    const calls = await crossOriginCalls(page, api, uniqueEmail('othersite'));
    // CORS lets it call and read the API...
    expect(calls.register).toMatchObject({ status: 201, token: expect.any(String) });
    expect(calls.login).toMatchObject({ status: 200, token: expect.any(String) });
    // ...but no cookie is stored from its responses nor sent with its requests: refresh and cookie logout fail.
    expect(calls.refresh).toMatchObject({ status: 401, code: 'refresh_token_missing' });
    expect(calls.refreshAgain).toMatchObject({ status: 401, code: 'refresh_token_missing' });
    expect(calls.logout).toMatchObject({ status: 401, code: 'access_token_missing' });

    // The user's own session on the API's site is untouched.
    await own.reload();
    await settled(own);
    expect(await signedInAs(own)).toBe(email);
  });

  it('readable states when throttled and when Redis is down (last: it stops Redis)', async () => {
    const { context } = await newProfile();
    const page = await openApp(context);
    const email = uniqueEmail('throttle');
    await submit(page, 'register', email);
    expect(await signedInAs(page)).toBe(email);
    await page.click('#logout');
    await signedOut(page);
    for (let attempt = 1; attempt <= 5; attempt++) {
      await submit(page, 'login', email, 'not the password');
      await shows(page, 'Wrong email or password.');
      await hide(page);
    }
    await submit(page, 'login', email);
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.locator('#error').textContent()).toMatch(/^Too many failed attempts\. Try again in \d+ seconds\.$/);

    // Signed in, then Redis goes away: the silent refresh of a reload cannot be answered.
    await submit(page, 'register', uniqueEmail('outage'));
    await signedInAs(page);
    await redis.stop();
    try {
      await page.reload();
      await settled(page);
      await shows(page, 'The sign-in service is temporarily unavailable. Please try again in a moment.');
      await hide(page);
      await submit(page, 'register', uniqueEmail('down'));
      await shows(page, 'The sign-in service is temporarily unavailable. Please try again in a moment.');
      await signedOut(page);
    } finally {
      // Back, and the app reconnected (so that it closes cleanly).
      await redis.start();
      let health = '';
      for (let i = 0; i < 50 && health !== 'redis'; i++) {
        health = ((await (await fetch(`${api}/health`)).json()) as { store: string }).store;
        if (health !== 'redis') await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
});
