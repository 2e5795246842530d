import { eventually } from '../support/abuse-app';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { RedisServer } from '../support/redis-server';
import { uniqueEmail } from '../support/test-app';
import { Browser, createOAuthApp, type OAuthTestApp } from '../support/oauth-harness';

/** With a failure URL configured, every way a browser sign-in can fail ends there with `?error=<code>`, never on JSON. */
describe('OAuth failures land on failureRedirect', () => {
  let provider: LocalOAuthProvider;
  let redis: RedisServer;
  let t: OAuthTestApp;
  let browser: Browser;

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    redis = await RedisServer.start();
    t = await createOAuthApp(provider, {
      providers: ['google'],
      oauth: { successRedirect: '/app', failureRedirect: '/app' },
      auth: { redis: { url: redis.url } },
    });
    browser = new Browser(t);
  });

  afterAll(async () => {
    await t?.close();
    await redis?.stop();
    await provider?.stop();
  });

  it('cancel at the provider, a replayed callback, a provider outage, the store down at start and at callback', async () => {
    const account = provider.addGoogleAccount({ sub: `f${Date.now()}`, email: uniqueEmail('fail'), email_verified: true });

    const started = await browser.begin('google');
    const denied = await browser.callback(await browser.consent(started.authorizeUrl, { deny: true }), started.stateCookie);
    expect([denied.status, denied.location]).toEqual([302, '/app?error=oauth_access_denied']);

    const ok = await browser.signIn('google', account);
    expect([ok.result.status, ok.result.location]).toEqual([302, '/app']);
    const replay = await browser.callback(ok.callbackUrl, ok.started.stateCookie);
    expect([replay.status, replay.location]).toEqual([302, '/app?error=oauth_state_invalid']);

    provider.outage = true;
    try {
      const outage = await browser.signIn('google', account);
      expect(outage.result.location).toBe('/app?error=oauth_provider_unavailable');
    } finally {
      provider.outage = false;
    }

    const pending = await browser.begin('google');
    const callbackUrl = await browser.consent(pending.authorizeUrl, account);
    await redis.stop();
    try {
      const startDown = await fetch(`${t.url}/auth/google`, { redirect: 'manual' });
      expect([startDown.status, startDown.headers.get('location')]).toEqual([302, '/app?error=store_unavailable']);
      expect(startDown.headers.get('cache-control')).toBe('no-store');
      await startDown.text();
      const callbackDown = await browser.callback(callbackUrl, pending.stateCookie);
      expect([callbackDown.status, callbackDown.location]).toEqual([302, '/app?error=store_unavailable']);
    } finally {
      await redis.start();
    }
    // Back: sign-ins work again (and the app's client has reconnected before it is closed).
    expect(await eventually(() => browser.signIn('google', account).then((s) => s.result.location === '/app', () => false))).toBe(true);
  });

  it('without a failure URL the start route still answers the JSON error (API clients)', async () => {
    const local = await RedisServer.start();
    const plain = await createOAuthApp(provider, { providers: ['google'], auth: { redis: { url: local.url } } });
    try {
      await local.stop();
      const res = await fetch(`${plain.url}/auth/google`, { redirect: 'manual' });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('store_unavailable');
    } finally {
      await local.start();
      await plain.close();
      await local.stop();
    }
  });
});
