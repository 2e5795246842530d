import { createHash } from 'node:crypto';
import { UserStore } from '../../lib';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { sessionRecordCount } from '../support/redis-client';
import { http, uniqueEmail } from '../support/test-app';
import { Browser, cookieValue, countUsers, createOAuthApp, type OAuthTestApp, raw } from '../support/oauth-harness';

const PASSWORD = 'correct horse battery';
let seq = 0;
const nextId = () => 900_000 + (++seq) * 7 + Math.floor(Math.random() * 1000) * 10_000;
const nextSub = () => `10${Date.now()}${++seq}`;

describe('OAuth flows (real local OAuth server, real HTTP, real Redis)', () => {
  let provider: LocalOAuthProvider;
  let t: OAuthTestApp;
  let browser: Browser;

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    t = await createOAuthApp(provider);
    browser = new Browser(t);
  });

  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });

  async function identityOwner(providerName: string, providerUserId: string): Promise<string | null> {
    return t.redis.get(`${t.keyPrefix}:identity:${providerName}:${providerUserId}`);
  }

  it("the state cookie's Path comes from the matched route, like the refresh cookie's, not from the URL's spelling", async () => {
    for (const path of ['/auth/google', '/AUTH/Google', '/auth/google/']) {
      const res = await raw(t.url + path);
      expect({ path, status: res.status }).toEqual({ path, status: 302 });
      const state = res.setCookie.find((c) => c.startsWith('authkit_oauth_google_'));
      expect({ path, cookiePath: /; Path=([^;]*)/.exec(state ?? '')?.[1] }).toEqual({ path, cookiePath: '/auth/google' });
    }
  });

  describe('full flows', () => {
    it('Google: redirect with state + S256 challenge + redirect_uri; callback sets the refresh cookie; refresh -> access token; /auth/me shows the Google email', async () => {
      const email = uniqueEmail('g');
      const account = provider.addGoogleAccount({ sub: nextSub(), email, email_verified: true, name: 'G User' });

      const started = await browser.begin('google');
      expect(started.response.status).toBe(302);
      const q = started.authorizeUrl.searchParams;
      expect(started.authorizeUrl.origin + started.authorizeUrl.pathname).toBe(provider.googleOptions().authorizationUrl);
      expect(q.get('response_type')).toBe('code');
      expect(q.get('client_id')).toBe(provider.clients.google.clientId);
      expect(q.get('redirect_uri')).toBe(`${t.url}/auth/google/callback`);
      expect(q.get('code_challenge_method')).toBe('S256');
      expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
      expect(q.get('scope')).toBe('openid email profile');
      const stateCookieHeader = started.response.setCookie.find((c) => c.startsWith('authkit_oauth_google_'))!;
      // Named after the state (64 bits of its SHA-256), so that each pending sign-in has its own cookie.
      const tag = createHash('sha256').update(q.get('state')!).digest('base64url').slice(0, 11);
      expect(stateCookieHeader.startsWith(`authkit_oauth_google_${tag}=`)).toBe(true);
      expect(stateCookieHeader).toMatch(/HttpOnly/);
      expect(stateCookieHeader).toMatch(/SameSite=Lax/);
      expect(stateCookieHeader).toMatch(/Path=\/auth\/google/);
      expect(stateCookieHeader).toMatch(/Max-Age=600\b/);
      // The state cookie holds a separate secret, not the state itself.
      expect(started.stateCookie.split('=')[1]).not.toBe(q.get('state'));
      // State is kept server-side with a TTL <= 10 min, under a hash of the state.
      const stateKey = `${t.keyPrefix}:oauth:state:${createHash('sha256').update(q.get('state')!).digest('base64url')}`;
      const ttl = await t.redis.pttl(stateKey);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600_000);

      const callbackUrl = await browser.consent(started.authorizeUrl, account);
      const result = await browser.callback(callbackUrl, started.stateCookie);
      expect(result.status).toBe(302);
      expect(result.location).toBe('http://app.test/welcome');
      expect(result.location).not.toMatch(/token|code=/i);
      const refreshCookie = result.setCookie.find((c) => c.startsWith('authkit_rt=') && !c.startsWith('authkit_rt=;'))!;
      expect(refreshCookie).toMatch(/HttpOnly/);
      expect(refreshCookie).toMatch(/SameSite=Strict/);
      expect(refreshCookie).toMatch(/Path=\/auth(;|$)/);
      expect(result.setCookie.some((c) => c.startsWith(`authkit_oauth_google_${tag}=;`) && /Max-Age=0/.test(c))).toBe(true);
      expect(await t.redis.exists(stateKey)).toBe(0);

      const { refreshed, me } = await browser.me(result);
      expect(refreshed.body).toMatchObject({ tokenType: 'Bearer', user: { email } });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ email, roles: ['user'] });
      const identities = await http(t.url, 'GET', '/auth/identities', { token: refreshed.body.accessToken });
      expect(identities.body).toEqual([{ provider: 'google', email, emailVerified: true, linkedAt: expect.any(String) }]);
    });

    it('GitHub: the same through GitHub-shaped endpoints; the email is the primary verified entry of /user/emails', async () => {
      const primary = uniqueEmail('gh');
      const account = provider.addGitHubAccount({
        id: nextId(), login: `octo${seq}`,
        emails: [{ email: uniqueEmail('other'), primary: false, verified: true }, { email: primary, primary: true, verified: true }],
      });
      const started = await browser.begin('github');
      expect(started.authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(started.authorizeUrl.searchParams.get('redirect_uri')).toBe(`${t.url}/auth/github/callback`);
      const result = await browser.callback(await browser.consent(started.authorizeUrl, account), started.stateCookie);
      expect(result.status).toBe(302);
      expect(result.location).toBe('http://app.test/welcome');
      const { me } = await browser.me(result);
      expect(me.body.email).toBe(primary);
    });

    it('the token request carries the PKCE verifier matching the challenge of the redirect', async () => {
      const account = provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail(), email_verified: true });
      const { started, result } = await browser.signIn('google', account);
      expect(result.status).toBe(302);
      const request = provider.tokenRequests.at(-1)!;
      expect(request.outcome).toBe('issued');
      expect(request.params.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const challenge = createHash('sha256').update(request.params.code_verifier).digest('base64url');
      expect(challenge).toBe(started.authorizeUrl.searchParams.get('code_challenge'));
      expect(request.params.redirect_uri).toBe(`${t.url}/auth/google/callback`);
    });
  });

  describe('state and code', () => {
    async function expectNoSession(result: Awaited<ReturnType<Browser['callback']>>, providerName: string, providerUserId: string) {
      expect(cookieValue(result.setCookie, 'authkit_rt')).toBeUndefined();
      expect(await identityOwner(providerName, providerUserId)).toBeNull();
    }

    it('state missing -> 401 oauth_state_invalid, no cookie, no user, no token request', async () => {
      const sub = nextSub();
      const account = provider.addGoogleAccount({ sub, email: uniqueEmail(), email_verified: true });
      const started = await browser.begin('google');
      const callbackUrl = await browser.consent(started.authorizeUrl, account);
      callbackUrl.searchParams.delete('state');
      const tokenRequests = provider.tokenRequests.length;
      const result = await browser.callback(callbackUrl, started.stateCookie);
      expect(result.status).toBe(401);
      expect(result.body).toMatchObject({ statusCode: 401, code: 'oauth_state_invalid' });
      expect(provider.tokenRequests.length).toBe(tokenRequests);
      await expectNoSession(result, 'google', sub);
    });

    it('state cookie missing, or from another pending sign-in -> failure; the code is never exchanged', async () => {
      const sub = nextSub();
      const account = provider.addGoogleAccount({ sub, email: uniqueEmail(), email_verified: true });
      const mine = await browser.begin('google');
      const other = await browser.begin('google');
      const callbackUrl = await browser.consent(mine.authorizeUrl, account);
      const tokenRequests = provider.tokenRequests.length;

      const foreign = await browser.callback(callbackUrl, other.stateCookie);
      expect(foreign.status).toBe(401);
      expect(foreign.body.code).toBe('oauth_state_invalid');
      await expectNoSession(foreign, 'google', sub);
      // The state was consumed by that attempt: even the right cookie cannot use it now.
      const late = await browser.callback(callbackUrl, mine.stateCookie);
      expect(late.body.code).toBe('oauth_state_invalid');

      const second = await browser.begin('google');
      const secondUrl = await browser.consent(second.authorizeUrl, account);
      const noCookie = await browser.callback(secondUrl);
      expect(noCookie.status).toBe(401);
      expect(noCookie.body.code).toBe('oauth_state_invalid');
      expect(provider.tokenRequests.length).toBe(tokenRequests);
      await expectNoSession(noCookie, 'google', sub);
    });

    it('a state issued for one provider does not work at the other provider callback', async () => {
      const id = nextId();
      const account = provider.addGitHubAccount({ id, login: 'cross', emails: [{ email: uniqueEmail(), primary: true, verified: true }] });
      const googleStart = await browser.begin('google');
      const githubStart = await browser.begin('github');
      const callbackUrl = await browser.consent(githubStart.authorizeUrl, account);
      callbackUrl.searchParams.set('state', googleStart.authorizeUrl.searchParams.get('state')!);
      const result = await browser.callback(callbackUrl, `${githubStart.stateCookie}; ${googleStart.stateCookie}`);
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('oauth_state_invalid');
      await expectNoSession(result, 'github', String(id));
    });

    it('a replayed callback (same state, same cookie) fails and creates no session', async () => {
      const account = provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail(), email_verified: true });
      const { started, callbackUrl, result } = await browser.signIn('google', account);
      expect(result.status).toBe(302);
      const { me } = await browser.me(result);
      const userId = me.body.id as string;
      const before = await sessionRecordCount(t.redis, `${t.keyPrefix}:{${userId}}:s`);
      expect(before).toBe(1);

      const replay = await browser.callback(callbackUrl, started.stateCookie);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('oauth_state_invalid');
      expect(cookieValue(replay.setCookie, 'authkit_rt')).toBeUndefined();
      expect(await sessionRecordCount(t.redis, `${t.keyPrefix}:{${userId}}:s`)).toBe(before);
    });

    it('an authorization code used twice: the second exchange is refused by the provider -> oauth_code_rejected, no session', async () => {
      const sub = nextSub();
      const account = provider.addGoogleAccount({ sub, email: uniqueEmail(), email_verified: true });
      const first = await browser.signIn('google', account);
      expect(first.result.status).toBe(302);
      const userId = (await identityOwner('google', sub))!;
      const sessions = await sessionRecordCount(t.redis, `${t.keyPrefix}:{${userId}}:s`);
      expect(sessions).toBe(1);

      // A fresh, valid state for this browser, but the old code.
      const again = await browser.begin('google');
      const url = new URL(first.callbackUrl);
      url.searchParams.set('state', again.authorizeUrl.searchParams.get('state')!);
      const result = await browser.callback(url, again.stateCookie);
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('oauth_code_rejected');
      expect(provider.tokenRequests.at(-1)).toMatchObject({ outcome: 'invalid_grant', reason: 'code already used' });
      expect(cookieValue(result.setCookie, 'authkit_rt')).toBeUndefined();
      expect(await sessionRecordCount(t.redis, `${t.keyPrefix}:{${userId}}:s`)).toBe(sessions);
    });

    it('the verifier is bound to its own state: a code obtained for one authorization fails with another state (PKCE mismatch)', async () => {
      const sub = nextSub();
      const account = provider.addGoogleAccount({ sub, email: uniqueEmail(), email_verified: true });
      const a = await browser.begin('google');
      const b = await browser.begin('google');
      const codeForA = await browser.consent(a.authorizeUrl, account);
      codeForA.searchParams.set('state', b.authorizeUrl.searchParams.get('state')!);
      const result = await browser.callback(codeForA, b.stateCookie);
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('oauth_code_rejected');
      expect(provider.tokenRequests.at(-1)).toMatchObject({ outcome: 'invalid_grant', reason: 'PKCE verification failed' });
      await expectNoSession(result, 'google', sub);
    });

    it('the user declines at the provider -> oauth_access_denied; a provider outage -> 503, never 500', async () => {
      const started = await browser.begin('github');
      const declined = await browser.callback(await browser.consent(started.authorizeUrl, { deny: true }), started.stateCookie);
      expect(declined.status).toBe(401);
      expect(declined.body.code).toBe('oauth_access_denied');

      const account = provider.addGitHubAccount({ id: nextId(), login: 'outage', emails: [] });
      provider.outage = true;
      try {
        const { result } = await browser.signIn('github', account);
        expect(result.status).toBe(503);
        expect(result.body.code).toBe('oauth_provider_unavailable');
      } finally {
        provider.outage = false;
      }
    });

    it('two sign-ins started in two tabs of one browser both complete, in either order', async () => {
      const emails = [uniqueEmail(), uniqueEmail()];
      const accounts = emails.map((email) => provider.addGoogleAccount({ sub: nextSub(), email, email_verified: true }));
      const first = await browser.begin('google');
      const second = await browser.begin('google');
      expect(first.stateCookie.split('=')[0]).not.toBe(second.stateCookie.split('=')[0]);
      // The browser now holds both cookies and sends both with each callback.
      const jar = `${first.stateCookie}; ${second.stateCookie}`;
      const secondResult = await browser.callback(await browser.consent(second.authorizeUrl, accounts[1]), jar);
      const firstResult = await browser.callback(await browser.consent(first.authorizeUrl, accounts[0]), jar);
      for (const [result, email] of [[firstResult, emails[0]], [secondResult, emails[1]]] as const) {
        expect(result.status).toBe(302);
        expect((await browser.me(result)).me.body.email).toBe(email);
      }
    });

    it('garbage in the callback query -> 4xx with a code, never a 500', async () => {
      const queries = ['', '?state=x', '?state[]=a&state[]=b&code=c', '?code=abc&state=' + 'A'.repeat(43), '?error=server_error&state=' + 'b'.repeat(43)];
      for (const query of queries) {
        const result = await browser.callback(`${t.url}/auth/google/callback${query}`, 'authkit_oauth_google=' + 'c'.repeat(43));
        expect(result.status).toBe(401);
        expect(result.body.code).toBe('oauth_state_invalid');
      }
    });
  });

  describe('identity resolution', () => {
    it('pre-account takeover: password account victim@x, then Google (verified victim@x) -> same user, old password dead, old sessions revoked', async () => {
      const email = uniqueEmail('victim');
      const registered = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      expect(registered.status).toBe(201);
      const victimId = registered.body.user.id;
      const otherLogin = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
      expect(otherLogin.status).toBe(200);
      const oldAccess = otherLogin.body.accessToken;
      const oldRefresh = registered.body.refreshToken;
      expect((await http(t.url, 'GET', '/auth/me', { token: oldAccess })).status).toBe(200);

      const account = provider.addGoogleAccount({ sub: nextSub(), email: email.toUpperCase(), email_verified: true });
      const { result } = await browser.signIn('google', account);
      expect(result.status).toBe(302);
      const { me, accessToken } = await browser.me(result);
      expect(me.body.id).toBe(victimId);
      expect(me.body.email).toBe(email);

      const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
      expect(login.status).toBe(401);
      expect((await http(t.url, 'GET', '/auth/me', { token: oldAccess })).status).toBe(401);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: oldRefresh } })).status).toBe(401);
      // The new session is alive and is the only one.
      const sessions = await http(t.url, 'GET', '/auth/sessions', { token: accessToken });
      expect(sessions.status).toBe(200);
      expect(sessions.body).toHaveLength(1);
    });

    it('GitHub account whose matching email is verified:false -> not linked to the existing user (a new user without that email)', async () => {
      const email = uniqueEmail('ghvictim');
      const registered = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      const victimId = registered.body.user.id;
      const id = nextId();
      const account = provider.addGitHubAccount({ id, login: 'squatter', emails: [{ email, primary: true, verified: false }] });
      const { result } = await browser.signIn('github', account);
      expect(result.status).toBe(302);
      const { me } = await browser.me(result);
      expect(me.body.id).not.toBe(victimId);
      expect(me.body.email).toBeNull();
      expect(await identityOwner('github', String(id))).toBe(me.body.id);
      // The password account is untouched.
      expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } })).status).toBe(200);
      expect((await http(t.url, 'GET', '/auth/me', { token: registered.body.accessToken })).status).toBe(200);
    });

    it('a GitHub non-primary verified email does not link either', async () => {
      const email = uniqueEmail('secondary');
      const registered = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      const account = provider.addGitHubAccount({
        id: nextId(), login: 'sec', emails: [{ email: uniqueEmail('prim'), primary: true, verified: false }, { email, primary: false, verified: true }],
      });
      const { result } = await browser.signIn('github', account);
      const { me } = await browser.me(result);
      expect(me.body.id).not.toBe(registered.body.user.id);
    });

    it('the same identity signs in again -> the same user; a second provider with the same verified email -> linked to that user', async () => {
      const email = uniqueEmail('multi');
      const google = provider.addGoogleAccount({ sub: nextSub(), email, email_verified: true });
      const first = await browser.me((await browser.signIn('google', google)).result);
      const second = await browser.me((await browser.signIn('google', google)).result);
      expect(second.me.body.id).toBe(first.me.body.id);
      const github = provider.addGitHubAccount({ id: nextId(), login: 'multi', emails: [{ email, primary: true, verified: true }] });
      const third = await browser.me((await browser.signIn('github', github)).result);
      expect(third.me.body.id).toBe(first.me.body.id);
      const identities = await http(t.url, 'GET', '/auth/identities', { token: third.accessToken });
      expect(identities.body.map((i: { provider: string }) => i.provider).sort()).toEqual(['github', 'google']);
    });

    it('10 concurrent first-time callbacks for one new identity -> exactly one user', async () => {
      const id = nextId();
      // No verified email: nothing but the identity claim can keep the users from multiplying.
      const account = provider.addGitHubAccount({ id, login: 'racer', emails: [{ email: uniqueEmail('race'), primary: true, verified: false }] });
      const pending = [];
      for (let i = 0; i < 10; i++) {
        const started = await browser.begin('github');
        pending.push({ url: await browser.consent(started.authorizeUrl, account), cookie: started.stateCookie });
      }
      const usersBefore = await countUsers(t);
      provider.gateProfileRequests(10);
      const results = await Promise.all(pending.map((p) => browser.callback(p.url, p.cookie)));
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(302));
      expect(await countUsers(t)).toBe(usersBefore + 1);
      const ids = new Set<string>();
      for (const result of results) ids.add((await browser.me(result)).me.body.id);
      expect(ids.size).toBe(1);
      expect(await identityOwner('github', String(id))).toBe([...ids][0]);
    });
  });

  describe('linking and identities', () => {
    /** A password account whose email has been verified (an unverified one may not link: see linking-safety). */
    async function passwordUser() {
      const email = uniqueEmail('linker');
      const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      await t.app.get<symbol, UserStore>(UserStore).markEmailVerified!(res.body.user.id);
      return { email, id: res.body.user.id as string, token: res.body.accessToken as string };
    }

    it('a signed-in user links GitHub (JSON start), lists identities, and unlinks it', async () => {
      const user = await passwordUser();
      const id = nextId();
      const account = provider.addGitHubAccount({ id, login: 'linkme', emails: [{ email: uniqueEmail('elsewhere'), primary: true, verified: true }] });
      const started = await browser.begin('github', { token: user.token, json: true });
      expect(started.response.status).toBe(200);
      const result = await browser.callback(await browser.consent(started.authorizeUrl, account), started.stateCookie);
      expect(result.status).toBe(302);
      expect(result.location).toBe('http://app.test/welcome?linked=github');
      expect(cookieValue(result.setCookie, 'authkit_rt')).toBeUndefined();
      expect(await identityOwner('github', String(id))).toBe(user.id);

      const list = await http(t.url, 'GET', '/auth/identities', { token: user.token });
      expect(list.body).toEqual([expect.objectContaining({ provider: 'github', emailVerified: true })]);
      // Signing in with GitHub now reaches the same user.
      const viaGithub = await browser.me((await browser.signIn('github', account)).result);
      expect(viaGithub.me.body.id).toBe(user.id);

      expect((await http(t.url, 'DELETE', '/auth/identities/github', { token: user.token })).status).toBe(204);
      expect((await http(t.url, 'GET', '/auth/identities', { token: user.token })).body).toEqual([]);
      expect(await identityOwner('github', String(id))).toBeNull();
      const missing = await http(t.url, 'DELETE', '/auth/identities/github', { token: user.token });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('oauth_identity_not_found');
    });

    it('link start (302 form) requires an access token; the state is bound to that session', async () => {
      expect((await http(t.url, 'GET', '/auth/google/link')).status).toBe(401);
      const user = await passwordUser();
      const sub = nextSub();
      const account = provider.addGoogleAccount({ sub, email: uniqueEmail(), email_verified: true });
      const started = await browser.begin('google', { token: user.token });
      expect(started.response.status).toBe(302);
      const callbackUrl = await browser.consent(started.authorizeUrl, account);
      expect((await http(t.url, 'POST', '/auth/logout', { token: user.token })).status).toBe(204);
      const result = await browser.callback(callbackUrl, started.stateCookie);
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('session_revoked');
      expect(await identityOwner('google', sub)).toBeNull();
    });

    it('linking an identity that belongs to another user -> 409 oauth_identity_in_use', async () => {
      const account = provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail('owned'), email_verified: true });
      const owner = await browser.me((await browser.signIn('google', account)).result);
      const user = await passwordUser();
      const started = await browser.begin('google', { token: user.token });
      const result = await browser.callback(await browser.consent(started.authorizeUrl, account), started.stateCookie);
      expect(result.status).toBe(409);
      expect(result.body.code).toBe('oauth_identity_in_use');
      expect((await http(t.url, 'GET', '/auth/identities', { token: owner.accessToken })).body).toHaveLength(1);
    });

    it('refuses to remove the last way to sign in (409), allows it once another exists', async () => {
      const sub = nextSub();
      const google = provider.addGoogleAccount({ sub, email: uniqueEmail('only'), email_verified: true });
      const signedIn = await browser.me((await browser.signIn('google', google)).result);
      const refused = await http(t.url, 'DELETE', '/auth/identities/google', { token: signedIn.accessToken });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('last_sign_in_method');
      expect(await identityOwner('google', sub)).toBe(signedIn.me.body.id);

      const github = provider.addGitHubAccount({ id: nextId(), login: 'second', emails: [] });
      const started = await browser.begin('github', { token: signedIn.accessToken });
      const linked = await browser.callback(await browser.consent(started.authorizeUrl, github), started.stateCookie);
      expect(linked.status).toBe(302);
      expect((await http(t.url, 'DELETE', '/auth/identities/google', { token: signedIn.accessToken })).status).toBe(204);
      const last = await http(t.url, 'DELETE', '/auth/identities/github', { token: signedIn.accessToken });
      expect(last.status).toBe(409);
    });
  });
});

describe('OAuth configuration variants', () => {
  let provider: LocalOAuthProvider;

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
  });

  afterAll(async () => {
    await provider?.stop();
  });

  it('an unconfigured provider has no routes (404), the configured one works', async () => {
    const t = await createOAuthApp(provider, { providers: ['google'] });
    try {
      for (const path of ['/auth/github', '/auth/github/callback?code=x&state=y']) {
        const res = await http(t.url, 'GET', path);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('oauth_provider_not_configured');
      }
      expect((await fetch(`${t.url}/auth/google`, { redirect: 'manual' })).status).toBe(302);
    } finally {
      await t.close();
    }
  });

  it('failureRedirect: failures become 302 to the failure URL with ?error=<code>, with no refresh cookie', async () => {
    const t = await createOAuthApp(provider, { oauth: { failureRedirect: 'http://app.test/login?from=oauth' } });
    const browser = new Browser(t);
    try {
      const started = await browser.begin('google');
      const account = provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail(), email_verified: true });
      const callbackUrl = await browser.consent(started.authorizeUrl, account);
      const bad = await browser.callback(callbackUrl);
      expect(bad.status).toBe(302);
      expect(bad.location).toBe('http://app.test/login?from=oauth&error=oauth_state_invalid');
      expect(cookieValue(bad.setCookie, 'authkit_rt')).toBeUndefined();

      const denied = await browser.begin('google');
      const deniedResult = await browser.callback(await browser.consent(denied.authorizeUrl, { deny: true }), denied.stateCookie);
      expect(deniedResult.location).toBe('http://app.test/login?from=oauth&error=oauth_access_denied');
    } finally {
      await t.close();
    }
  });

  it("linking: 'never' refuses a verified email that belongs to an existing user (409 oauth_account_exists)", async () => {
    const t = await createOAuthApp(provider, { oauth: { linking: 'never' } });
    const browser = new Browser(t);
    try {
      const email = uniqueEmail('never');
      const registered = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      const account = provider.addGoogleAccount({ sub: nextSub(), email, email_verified: true });
      const { result } = await browser.signIn('google', account);
      expect(result.status).toBe(409);
      expect(result.body.code).toBe('oauth_account_exists');
      expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } })).status).toBe(200);
      expect((await http(t.url, 'GET', '/auth/me', { token: registered.body.accessToken })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("unverifiedEmail: 'refuse' -> an unverified GitHub email is refused (401 oauth_email_unverified), no user", async () => {
    const t = await createOAuthApp(provider, { oauth: { unverifiedEmail: 'refuse' } });
    const browser = new Browser(t);
    try {
      const id = nextId();
      const account = provider.addGitHubAccount({ id, login: 'unv', emails: [{ email: uniqueEmail(), primary: true, verified: false }] });
      const { result } = await browser.signIn('github', account);
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('oauth_email_unverified');
      expect(await t.redis.get(`${t.keyPrefix}:identity:github:${id}`)).toBeNull();
    } finally {
      await t.close();
    }
  });
});
