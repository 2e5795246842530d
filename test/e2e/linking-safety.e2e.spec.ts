import { Logger } from '@nestjs/common';
import { IdentityStore, RedisSessionStore, UserStore } from '../../lib';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { LocalSmtpServer } from '../support/smtp-server';
import { createRedisClient, uniqueKeyPrefix } from '../support/redis-client';
import { http, uniqueEmail } from '../support/test-app';
import { ManualClock } from '../support/time';
import { Browser, createOAuthApp, type OAuthTestApp } from '../support/oauth-harness';

// Issue 10, findings 1 and 3: linking must be safe by construction.
const PASSWORD = 'correct horse battery';
let seq = 0;
const nextId = () => 700_000 + (++seq) * 13 + Math.floor(Math.random() * 1000) * 10_000;
const nextSub = () => `20${Date.now()}${++seq}`;

describe('linking safety (issue 10: findings 1 and 3; real local OAuth server, real HTTP, real Redis)', () => {
  let provider: LocalOAuthProvider;
  let t: OAuthTestApp;
  let browser: Browser;
  /** The sessions' clock: a test moves it back to make a login "old" instead of waiting. */
  const clock = new ManualClock();
  const sessionRedis = createRedisClient();

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    const settings = { idleTtlMs: 3_600_000, absoluteTtlMs: 7_200_000, reuseWindowMs: 5000, maxSessionsPerUser: 20 };
    const sessionStore = new RedisSessionStore(sessionRedis, settings, uniqueKeyPrefix('link'), clock.now);
    t = await createOAuthApp(provider, { auth: { sessionStore } });
    browser = new Browser(t);
  });

  afterAll(async () => {
    await t?.close();
    await provider?.stop();
    sessionRedis.disconnect();
  });

  const users = () => t.app.get<symbol, UserStore>(UserStore);
  const identityStore = () => t.app.get<symbol, IdentityStore>(IdentityStore);

  async function register(email = uniqueEmail('acct')) {
    const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(res.status).toBe(201);
    return { email, id: res.body.user.id as string, token: res.body.accessToken as string, refreshToken: res.body.refreshToken as string };
  }

  async function login(email: string) {
    const res = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(res.status).toBe(200);
    return { token: res.body.accessToken as string, refreshToken: res.body.refreshToken as string };
  }

  /** GET /auth/<provider>/link with JSON accepted: the raw answer. */
  function linkStart(providerName: 'google' | 'github', token: string) {
    return http(t.url, 'GET', `/auth/${providerName}/link`, { token, headers: { accept: 'application/json' } });
  }

  describe('finding 1: securing an account removes every identity linked to it', () => {
    it('attacker pre-registers victim@x and has their GitHub linked; the owner signs in with Google (verified) -> the GitHub identity is gone, the attacker\'s GitHub sign-in no longer reaches the account', async () => {
      const victimEmail = uniqueEmail('victim');
      const attacker = await register(victimEmail);
      const attackerGithubId = nextId();
      const attackerGithub = provider.addGitHubAccount({
        id: attackerGithubId, login: 'mallory', emails: [{ email: uniqueEmail('mallory'), primary: true, verified: true }],
      });
      // However it got there (the finding used GET /auth/github/link, which now refuses unverified accounts:
      // see finding 3), the attacker's GitHub identity is linked to the squatted account.
      const linked = await identityStore().linkIdentity(attacker.id, {
        provider: 'github', providerUserId: String(attackerGithubId), email: null, emailVerified: false,
      });
      expect(linked.status).toBe('linked');
      const before = await browser.me((await browser.signIn('github', attackerGithub)).result);
      expect(before.me.body.id).toBe(attacker.id);

      // The owner signs in with Google, which verifies victim@x: the account is secured.
      const google = provider.addGoogleAccount({ sub: nextSub(), email: victimEmail, email_verified: true });
      const owner = await browser.me((await browser.signIn('google', google)).result);
      expect(owner.me.body.id).toBe(attacker.id);

      const identities = await http(t.url, 'GET', '/auth/identities', { token: owner.accessToken });
      expect(identities.body.map((i: { provider: string }) => i.provider)).toEqual(['google']);
      expect(await t.redis.get(`${t.keyPrefix}:identity:github:${attackerGithubId}`)).toBeNull();
      // The attacker's session from their GitHub sign-in is gone; their next GitHub sign-in is a stranger's.
      expect((await http(t.url, 'GET', '/auth/me', { token: before.accessToken })).status).toBe(401);
      const after = await browser.me((await browser.signIn('github', attackerGithub)).result);
      expect(after.me.body.id).not.toBe(attacker.id);
      // The owner keeps a working session; the password is dead.
      expect((await http(t.url, 'GET', '/auth/me', { token: owner.accessToken })).body.id).toBe(attacker.id);
      expect((await http(t.url, 'POST', '/auth/login', { json: { email: victimEmail, password: PASSWORD } })).status).toBe(401);
    });

    it('the attacker linked their own Google account: the owner\'s Google sign-in replaces it instead of failing', async () => {
      const victimEmail = uniqueEmail('victim2');
      const attacker = await register(victimEmail);
      const attackerSub = nextSub();
      await identityStore().linkIdentity(attacker.id, { provider: 'google', providerUserId: attackerSub, email: null, emailVerified: false });

      const google = provider.addGoogleAccount({ sub: nextSub(), email: victimEmail, email_verified: true });
      const { result } = await browser.signIn('google', google);
      expect(result.status).toBe(302);
      expect(result.location).toBe('http://app.test/welcome');
      const owner = await browser.me(result);
      expect(owner.me.body.id).toBe(attacker.id);
      expect(await t.redis.get(`${t.keyPrefix}:identity:google:${attackerSub}`)).toBeNull();
    });
  });

  describe('issue 22 item 2: the whole chain, with email verification on', () => {
    it('a click on the squatter\'s verification mail verifies nothing, so the squatter links no GitHub, and the victim\'s GitHub sign-in takes the account', async () => {
      const smtp = new LocalSmtpServer();
      const mailing = await createOAuthApp(provider, {
        auth: { mail: { smtpUrl: await smtp.start() }, emailVerification: { url: 'https://app.example/verify-email' } },
      });
      try {
        const victimEmail = uniqueEmail('chain');
        const squatter = await http(mailing.url, 'POST', '/auth/register', { json: { email: victimEmail, password: PASSWORD } });
        expect(squatter.status).toBe(201);
        // The mail reaches the victim, who clicks (or a link scanner does): no password, so no verification.
        const token = LocalSmtpServer.tokenIn(await smtp.waitForMail(victimEmail));
        const click = await http(mailing.url, 'POST', '/auth/email/verify', { json: { token } });
        expect([click.status, click.body.code]).toEqual([401, 'registrant_proof_required']);
        // So the squatter cannot link its own GitHub.
        const link = await http(mailing.url, 'GET', '/auth/github/link', { token: squatter.body.accessToken, headers: { accept: 'application/json' } });
        expect([link.status, link.body.code]).toEqual([403, 'oauth_link_email_unverified']);
        // The victim's "Sign in with GitHub" (verified victimEmail) secures the account: the squatter is out.
        const victimGithub = provider.addGitHubAccount({ id: nextId(), login: 'victim', emails: [{ email: victimEmail, primary: true, verified: true }] });
        const victimBrowser = new Browser(mailing);
        const victim = await victimBrowser.me((await victimBrowser.signIn('github', victimGithub)).result);
        expect(victim.me.body.id).toBe(squatter.body.user.id);
        expect((await http(mailing.url, 'GET', '/auth/me', { token: squatter.body.accessToken })).status).toBe(401);
        expect((await http(mailing.url, 'POST', '/auth/login', { json: { email: victimEmail, password: PASSWORD } })).status).toBe(401);
      } finally {
        await mailing.close();
        await smtp.stop();
      }
    });
  });

  describe('finding 3: linking needs a recent login on an account with a verified email', () => {
    it('an account with an unverified email may not link: 403 oauth_link_email_unverified, no state stored', async () => {
      const squatter = await register();
      const res = await linkStart('github', squatter.token);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('oauth_link_email_unverified');
      expect(res.setCookie.some((c) => c.startsWith('authkit_oauth_'))).toBe(false);
      expect(await t.redis.keys(`${t.keyPrefix}:oauth:state:*`)).toEqual([]);
    });

    it('a login older than linkMaxAuthAgeSeconds (300 s) -> 401 reauthentication_required; a refresh does not help; a new login does', async () => {
      const account = await register();
      await users().markEmailVerified!(account.id);

      clock.advance(-301_000); // the next login happens "301 s ago"
      let old: { token: string; refreshToken: string };
      try {
        old = await login(account.email);
      } finally {
        clock.advance(301_000);
      }
      const stale = await linkStart('github', old.token);
      expect(stale.status).toBe(401);
      expect(stale.body.code).toBe('reauthentication_required');
      expect(stale.headers.get('www-authenticate')).toMatch(/^Bearer/);

      // Refreshing the old session gives a brand-new access token, but not a new login.
      const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: old.refreshToken } });
      expect(refreshed.status).toBe(200);
      const stillStale = await linkStart('github', refreshed.body.accessToken);
      expect(stillStale.status).toBe(401);
      expect(stillStale.body.code).toBe('reauthentication_required');

      const fresh = await login(account.email);
      const ok = await linkStart('github', fresh.token);
      expect(ok.status).toBe(200);
      expect(typeof ok.body.authorizationUrl).toBe('string');
    });

    it('a recent login links, and the link is reported as a structured security line (no secret in it)', async () => {
      const lines: string[] = [];
      const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => {
        lines.push(String(message));
      });
      try {
        const account = await register();
        await users().markEmailVerified!(account.id);
        const githubId = nextId();
        const github = provider.addGitHubAccount({ id: githubId, login: 'owner', emails: [{ email: account.email, primary: true, verified: true }] });
        const started = await browser.begin('github', { token: account.token, json: true });
        const result = await browser.callback(await browser.consent(started.authorizeUrl, github), started.stateCookie);
        expect(result.status).toBe(302);
        expect(result.location).toBe('http://app.test/welcome?linked=github');
        const events = lines.filter((line) => line.includes('authkit.identity.linked')).map((line) => JSON.parse(line));
        expect(events).toEqual([
          expect.objectContaining({ event: 'authkit.identity.linked', userId: account.id, provider: 'github', sessionId: expect.any(String) }),
        ]);
        expect(lines.join('\n')).not.toContain(account.token);
      } finally {
        spy.mockRestore();
      }
    });
  });
});
