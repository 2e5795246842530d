import { Controller, Get, Module } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import passport from 'passport';
import { Strategy as GitHubStrategy } from 'passport-github2';
import { Strategy as GoogleStrategy } from 'passport-google-oauth20';
import OAuth2Strategy, { InternalOAuthError } from 'passport-oauth2';
import { type OAuthOptions, type PassportOAuthSource, Public, UserStore } from '../../lib';
import { githubPassportProfile, googlePassportProfile } from '../../lib/passport';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { http, uniqueEmail } from '../support/test-app';
import { Browser, cookieValue, createOAuthApp, type OAuthTestApp, type RawResponse } from '../support/oauth-harness';

// Issue 12, item 2: passport OAuth 2.0 strategies as provider sources, end to end against the local OAuth server.
const PASSWORD = 'correct horse battery';
let seq = 0;
const nextId = () => 500_000 + (++seq) * 11 + Math.floor(Math.random() * 1000) * 10_000;
const nextSub = () => `30${Date.now()}${++seq}`;

/** A provider we do not ship, through the generic passport-oauth2: its profile is read from an OIDC-style userinfo. */
function acmeStrategy(userInfoUrl: string) {
  return class AcmeStrategy extends OAuth2Strategy {
    override userProfile(accessToken: string, done: (err?: unknown, profile?: unknown) => void): void {
      this._oauth2.useAuthorizationHeaderforGET(true);
      this._oauth2.get(userInfoUrl, accessToken, (err, body) => {
        if (err) return done(new InternalOAuthError('Failed to fetch the profile', err));
        const json = JSON.parse(String(body)) as { sub: string; email?: string; explode?: boolean };
        // A strategy bug (or a provider answer it did not expect) that throws inside node-oauth's callback.
        if (json.explode) throw new Error('strategy bug');
        done(null, { provider: 'acme', id: json.sub, emails: json.email ? [{ value: json.email }] : [] });
      });
    }
  };
}

function googleSource(provider: LocalOAuthProvider, callbackURL: string): PassportOAuthSource {
  const g = provider.googleOptions();
  return {
    strategy: GoogleStrategy,
    options: {
      clientID: g.clientId, clientSecret: g.clientSecret, callbackURL, scope: ['openid', 'email', 'profile'],
      authorizationURL: g.authorizationUrl, tokenURL: g.tokenUrl, userProfileURL: g.userInfoUrl,
    },
    profile: googlePassportProfile,
  };
}

function githubSource(provider: LocalOAuthProvider, callbackURL: string, overrides: Record<string, unknown> = {}): PassportOAuthSource {
  const h = provider.githubOptions();
  return {
    strategy: GitHubStrategy,
    options: {
      clientID: h.clientId, clientSecret: h.clientSecret, callbackURL, scope: ['read:user', 'user:email'], allRawEmails: true,
      authorizationURL: h.authorizationUrl, tokenURL: h.tokenUrl, userProfileURL: `${h.apiUrl}/user`, userEmailURL: `${h.apiUrl}/user/emails`,
      ...overrides,
    },
    profile: githubPassportProfile,
  };
}

/** The generic source: Google's local endpoints as "acme"; the mapper says nothing about verification. */
function acmeSource(provider: LocalOAuthProvider, callbackURL: string): PassportOAuthSource {
  const g = provider.googleOptions();
  return {
    strategy: acmeStrategy(g.userInfoUrl),
    options: { clientID: g.clientId, clientSecret: g.clientSecret, callbackURL, authorizationURL: g.authorizationUrl, tokenURL: g.tokenUrl, scope: 'openid email' },
    profile: (profile: { id: string; emails: Array<{ value: string }> }) => ({ id: profile.id, email: profile.emails[0]?.value ?? null }),
  };
}

function passportOAuth(provider: LocalOAuthProvider): (base: string) => Partial<OAuthOptions> {
  return (base) => ({
    passport: {
      google: googleSource(provider, `${base}/auth/google/callback`),
      github: githubSource(provider, `${base}/auth/github/callback`),
      acme: acmeSource(provider, `${base}/auth/acme/callback`),
    },
  });
}

describe('passport OAuth strategies as provider sources (real local OAuth server, real HTTP, real Redis)', () => {
  let provider: LocalOAuthProvider;
  /** The built-in providers and the passport sources, on ONE user base (same Redis key prefix). */
  let builtIn: OAuthTestApp;
  let viaPassport: OAuthTestApp;
  let builtInBrowser: Browser;
  let passportBrowser: Browser;

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    const keyPrefix = `t${randomBytes(4).toString('hex')}`;
    builtIn = await createOAuthApp(provider, { keyPrefix });
    viaPassport = await createOAuthApp(provider, { keyPrefix, providers: [], oauth: passportOAuth(provider) });
    builtInBrowser = new Browser(builtIn);
    passportBrowser = new Browser(viaPassport);
  });

  afterAll(async () => {
    await viaPassport?.close();
    await builtIn?.close();
    await provider?.stop();
  });

  async function userOf(browser: Browser, result: RawResponse) {
    expect(result.status).toBe(302);
    expect(result.location).toBe('http://app.test/welcome');
    return (await browser.me(result)).me.body as { id: string; email: string | null; sessionId: string };
  }

  describe('the same identity lands in the same user as with the built-in provider', () => {
    it('passport-google-oauth20: state, S256 challenge, binding cookie; same user both ways, verified email claimed', async () => {
      const email = uniqueEmail('pg');
      const account = provider.addGoogleAccount({ sub: nextSub(), email, email_verified: true, name: 'P G' });
      const started = await passportBrowser.begin('google');
      expect(started.response.status).toBe(302);
      const q = started.authorizeUrl.searchParams;
      expect(started.authorizeUrl.origin + started.authorizeUrl.pathname).toBe(provider.googleOptions().authorizationUrl);
      expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(q.get('code_challenge_method')).toBe('S256');
      expect(q.get('redirect_uri')).toBe(`${viaPassport.url}/auth/google/callback`);
      const stateKey = `${viaPassport.keyPrefix}:oauth:state:${createHash('sha256').update(q.get('state')!).digest('base64url')}`;
      expect(await viaPassport.redis.pttl(stateKey)).toBeGreaterThan(0);
      const setCookie = started.response.setCookie.find((c) => c.startsWith('authkit_oauth_google_'))!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);

      const result = await passportBrowser.callback(await passportBrowser.consent(started.authorizeUrl, account), started.stateCookie);
      const first = await userOf(passportBrowser, result);
      expect(first.email).toBe(email);
      expect(await viaPassport.redis.exists(stateKey)).toBe(0);
      // The token request carried the verifier of the redirect's S256 challenge.
      const tokenRequest = provider.tokenRequests.at(-1)!;
      expect(tokenRequest.outcome).toBe('issued');
      expect(createHash('sha256').update(tokenRequest.params.code_verifier).digest('base64url')).toBe(q.get('code_challenge'));

      const again = await userOf(builtInBrowser, (await builtInBrowser.signIn('google', account)).result);
      expect(again.id).toBe(first.id);
    });

    it('an unverified Google email: the same user both ways through the identity alone, the email never claimed', async () => {
      const email = uniqueEmail('pgu');
      const account = provider.addGoogleAccount({ sub: nextSub(), email, email_verified: false });
      const first = await userOf(builtInBrowser, (await builtInBrowser.signIn('google', account)).result);
      expect(first.email).toBeNull();
      const second = await userOf(passportBrowser, (await passportBrowser.signIn('google', account)).result);
      expect(second).toMatchObject({ id: first.id, email: null });
    });

    it('passport-github2 (allRawEmails): the primary verified email, same user both ways', async () => {
      const primary = uniqueEmail('pgh');
      const account = provider.addGitHubAccount({
        id: nextId(), login: `octo${seq}`,
        emails: [{ email: uniqueEmail('secondary'), primary: false, verified: true }, { email: primary, primary: true, verified: true }],
      });
      const first = await userOf(builtInBrowser, (await builtInBrowser.signIn('github', account)).result);
      expect(first.email).toBe(primary);
      const second = await userOf(passportBrowser, (await passportBrowser.signIn('github', account)).result);
      expect(second.id).toBe(first.id);
    });

    it('passport-github2: a verified primary email of an existing password account links to it, as built-in GitHub would', async () => {
      const email = uniqueEmail('pghl');
      const registered = await http(builtIn.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      const account = provider.addGitHubAccount({ id: nextId(), login: `o${seq}`, emails: [{ email, primary: true, verified: true }] });
      const user = await userOf(passportBrowser, (await passportBrowser.signIn('github', account)).result);
      expect(user.id).toBe(registered.body.user.id);
      // ... and an unverified primary is not linked (a new user without it), also as built-in GitHub would.
      const other = uniqueEmail('pghu');
      await http(builtIn.url, 'POST', '/auth/register', { json: { email: other, password: PASSWORD } });
      const squatter = provider.addGitHubAccount({ id: nextId(), login: `s${seq}`, emails: [{ email: other, primary: true, verified: false }] });
      const stranger = await userOf(passportBrowser, (await passportBrowser.signIn('github', squatter)).result);
      expect(stranger.email).toBeNull();
    });
  });

  describe('a provider we do not ship (generic passport-oauth2)', () => {
    it('signs in under its own name; its mapper says nothing about verification, so the email is unverified and never linked', async () => {
      const email = uniqueEmail('acme');
      const owner = await http(builtIn.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      // The provider verified the email, but the mapper does not say so: unverified.
      const account = provider.addGoogleAccount({ sub: nextSub(), email, email_verified: true });
      const started = await passportBrowser.begin('acme');
      expect(started.authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(started.authorizeUrl.searchParams.get('redirect_uri')).toBe(`${viaPassport.url}/auth/acme/callback`);
      const result = await passportBrowser.callback(await passportBrowser.consent(started.authorizeUrl, account), started.stateCookie);
      const user = await userOf(passportBrowser, result);
      expect(user.id).not.toBe(owner.body.user.id);
      expect(user.email).toBeNull();
      const { accessToken } = await passportBrowser.me((await passportBrowser.signIn('acme', account)).result);
      const identities = await http(viaPassport.url, 'GET', '/auth/identities', { token: accessToken });
      expect(identities.body).toEqual([{ provider: 'acme', email, emailVerified: false, linkedAt: expect.any(String) }]);
    });

    it('a signed-in account links it (GET /auth/acme/link), and then signs in with it', async () => {
      const email = uniqueEmail('acmelink');
      const registered = await http(viaPassport.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      await viaPassport.app.get<symbol, UserStore>(UserStore).markEmailVerified!(registered.body.user.id);
      const account = provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail('other'), email_verified: true });
      const started = await passportBrowser.begin('acme', { token: registered.body.accessToken, json: true });
      expect(started.response.status).toBe(200);
      const result = await passportBrowser.callback(await passportBrowser.consent(started.authorizeUrl, account), started.stateCookie);
      expect(result.status).toBe(302);
      expect(result.location).toBe('http://app.test/welcome?linked=acme');
      const user = await userOf(passportBrowser, (await passportBrowser.signIn('acme', account)).result);
      expect(user.id).toBe(registered.body.user.id);
      expect((await http(viaPassport.url, 'DELETE', '/auth/identities/acme', { token: registered.body.accessToken })).status).toBe(204);
    });

    it('a name that is not a source is not a route of ours (404), and the built-in names are not configured here', async () => {
      expect((await http(viaPassport.url, 'GET', '/auth/nope')).status).toBe(404);
      expect((await http(viaPassport.url, 'GET', '/auth/nope/callback?state=x&code=y')).status).toBe(404);
      expect((await http(builtIn.url, 'GET', '/auth/acme')).status).toBe(404);
    });
  });

  describe('refusals: our state store, browser binding and PKCE apply to passport sources', () => {
    it('state replay: the second callback with the same state and cookie -> 401 oauth_state_invalid, nothing exchanged', async () => {
      const account = provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail('replay'), email_verified: true });
      const started = await passportBrowser.begin('google');
      const callbackUrl = await passportBrowser.consent(started.authorizeUrl, account);
      expect((await passportBrowser.callback(callbackUrl, started.stateCookie)).status).toBe(302);
      const tokenRequests = provider.tokenRequests.length;
      const replay = await passportBrowser.callback(callbackUrl, started.stateCookie);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('oauth_state_invalid');
      expect(cookieValue(replay.setCookie, 'authkit_rt')).toBeUndefined();
      expect(provider.tokenRequests.length).toBe(tokenRequests);
    });

    it('missing binding cookie (the callback in another browser) -> 401 oauth_state_invalid, nothing exchanged, the state is spent', async () => {
      for (const source of ['github', 'acme']) {
        const account = source === 'github'
          ? provider.addGitHubAccount({ id: nextId(), login: `b${seq}`, emails: [{ email: uniqueEmail('bind'), primary: true, verified: true }] })
          : provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail('bind'), email_verified: true });
        const started = await passportBrowser.begin(source);
        const callbackUrl = await passportBrowser.consent(started.authorizeUrl, account);
        const tokenRequests = provider.tokenRequests.length;
        const stolen = await passportBrowser.callback(callbackUrl);
        expect(stolen.status).toBe(401);
        expect(stolen.body.code).toBe('oauth_state_invalid');
        expect(provider.tokenRequests.length).toBe(tokenRequests);
        // Single use: the real browser arriving afterwards is refused too.
        expect((await passportBrowser.callback(callbackUrl, started.stateCookie)).body.code).toBe('oauth_state_invalid');
      }
    });

    it('PKCE mismatch (the challenge the provider saw is not ours) -> 401 oauth_code_rejected, for Google (400) and GitHub (200 {error})', async () => {
      for (const source of ['google', 'github']) {
        const account = source === 'github'
          ? provider.addGitHubAccount({ id: nextId(), login: `p${seq}`, emails: [{ email: uniqueEmail('pkce'), primary: true, verified: true }] })
          : provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail('pkce'), email_verified: true });
        const started = await passportBrowser.begin(source);
        const tampered = new URL(started.authorizeUrl);
        tampered.searchParams.set('code_challenge', createHash('sha256').update(randomBytes(32)).digest('base64url'));
        const result = await passportBrowser.callback(await passportBrowser.consent(tampered, account), started.stateCookie);
        expect(result.status).toBe(401);
        expect(result.body.code).toBe('oauth_code_rejected');
        expect(provider.tokenRequests.at(-1)).toMatchObject({ provider: source, outcome: 'invalid_grant', reason: 'PKCE verification failed' });
        expect(cookieValue(result.setCookie, 'authkit_rt')).toBeUndefined();
      }
    });
  });
});

/** An app's own routes under the auth prefix, in a module registered after the library's. */
@Controller('auth')
class AppAuthRoutes {
  @Public()
  @Get('custom')
  custom(): { route: string } {
    return { route: 'custom' };
  }

  @Public()
  @Get('custom/callback')
  customCallback(): { route: string } {
    return { route: 'custom/callback' };
  }
}

@Module({ controllers: [AppAuthRoutes] })
class AppAuthRoutesModule {}

describe('passport sources: isolation and broken providers', () => {
  let provider: LocalOAuthProvider;

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
  });

  afterAll(async () => {
    await provider?.stop();
  });

  it("the sources' routes do not shadow the app's own routes under the auth prefix (Express: passed on)", async () => {
    const t = await createOAuthApp(provider, {
      providers: [], imports: [AppAuthRoutesModule], oauth: (base) => ({ passport: { acme: acmeSource(provider, `${base}/auth/acme/callback`) } }),
    });
    try {
      expect((await http(t.url, 'GET', '/auth/custom')).body).toEqual({ route: 'custom' });
      expect((await http(t.url, 'GET', '/auth/custom/callback')).body).toEqual({ route: 'custom/callback' });
      expect((await new Browser(t).begin('acme')).response.status).toBe(302);
    } finally {
      await t.close();
    }
  });

  it('two modules in one process with a source of the same name do not interfere, and nothing is registered on the global passport', async () => {
    // "acme" is Google in one app and GitHub in the other.
    const left = await createOAuthApp(provider, { providers: [], oauth: (base) => ({ passport: { acme: googleSource(provider, `${base}/auth/acme/callback`) } }) });
    const right = await createOAuthApp(provider, { providers: [], oauth: (base) => ({ passport: { acme: githubSource(provider, `${base}/auth/acme/callback`) } }) });
    try {
      const leftBrowser = new Browser(left);
      const rightBrowser = new Browser(right);
      const googleEmail = uniqueEmail('left');
      const githubEmail = uniqueEmail('right');
      const google = provider.addGoogleAccount({ sub: nextSub(), email: googleEmail, email_verified: true });
      const github = provider.addGitHubAccount({ id: nextId(), login: `r${seq}`, emails: [{ email: githubEmail, primary: true, verified: true }] });
      const [l, r] = await Promise.all([leftBrowser.begin('acme'), rightBrowser.begin('acme')]);
      expect(l.authorizeUrl.pathname).toBe('/google/o/oauth2/v2/auth');
      expect(r.authorizeUrl.pathname).toBe('/github/login/oauth/authorize');
      const [lCallback, rCallback] = await Promise.all([leftBrowser.consent(l.authorizeUrl, google), rightBrowser.consent(r.authorizeUrl, github)]);
      // One app's callback does not accept the other's state.
      const crossed = await leftBrowser.callback(`${left.url}/auth/acme/callback${rCallback.search}`, r.stateCookie);
      expect(crossed.body.code).toBe('oauth_state_invalid');
      const [lResult, rResult] = await Promise.all([leftBrowser.callback(lCallback, l.stateCookie), rightBrowser.callback(rCallback, r.stateCookie)]);
      expect((await leftBrowser.me(lResult)).me.body.email).toBe(googleEmail);
      // The crossed attempt consumed nothing of the other app's (its own store has no such state).
      expect((await rightBrowser.me(rResult)).me.body.email).toBe(githubEmail);
    } finally {
      await left.close();
      await right.close();
    }
    expect((passport as unknown as { _strategy(name: string): unknown })._strategy('acme')).toBeUndefined();
  });

  describe('a provider answering junk never crashes the process: 503 oauth_provider_unavailable, the app keeps serving', () => {
    let junk: Server;
    let junkUrl: string;
    let body = 'null';
    let t: OAuthTestApp;

    beforeAll(async () => {
      junk = createServer((req, res) => {
        if (req.url === '/hang') return; // never answers
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
      await new Promise<void>((resolve) => junk.listen(0, '127.0.0.1', resolve));
      junkUrl = `http://127.0.0.1:${(junk.address() as { port: number }).port}`;
      t = await createOAuthApp(provider, {
        providers: [],
        oauth: (base) => ({
          passport: {
            // /user/emails and the Google userinfo come from the junk server.
            github: githubSource(provider, `${base}/auth/github/callback`, { userEmailURL: `${junkUrl}/user/emails` }),
            google: { ...googleSource(provider, `${base}/auth/google/callback`), options: { ...googleSource(provider, '').options, callbackURL: `${base}/auth/google/callback`, userProfileURL: `${junkUrl}/userinfo` } },
            acme: { ...acmeSource(provider, `${base}/auth/acme/callback`), options: { ...acmeSource(provider, '').options, callbackURL: `${base}/auth/acme/callback`, tokenURL: `${junkUrl}/token` } },
            // A generic strategy whose profile comes from the junk server and which throws on `{"explode":true}`.
            boom: { ...acmeSource(provider, ''), strategy: acmeStrategy(`${junkUrl}/userinfo`), options: { ...acmeSource(provider, '').options, callbackURL: `${base}/auth/boom/callback` } },
          },
        }),
      });
    });

    afterAll(async () => {
      await t?.close();
      junk.closeAllConnections();
      await new Promise((resolve) => junk.close(resolve));
    });

    const JUNK = ['null', '[null]', '<html>oops</html>', 'true', '{"id":', '"x"', '{}', '[]', '{"explode":true}'];

    it.each(JUNK)('body %s from GitHub /user/emails, Google userinfo, a token endpoint and a throwing strategy', async (junkBody) => {
      body = junkBody;
      const browser = new Browser(t);
      const google = provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail('junk'), email_verified: true });
      const github = provider.addGitHubAccount({ id: nextId(), login: `j${seq}`, emails: [{ email: uniqueEmail('junk'), primary: true, verified: true }] });
      for (const [source, account] of [['github', github], ['google', google], ['acme', google], ['boom', google]] as const) {
        const { result } = await browser.signIn(source, account);
        expect({ source, status: result.status, code: result.body?.code }).toEqual({ source, status: 503, code: 'oauth_provider_unavailable' });
      }
      expect((await http(t.url, 'GET', '/auth/nope')).status).toBe(404); // still serving
    });

    it('a provider that never answers, and a strategy that never calls back: 503 after the timeouts, nothing hangs', async () => {
      /** A generic strategy whose profile loading never finishes. */
      class SilentStrategy extends OAuth2Strategy {
        override userProfile(): void {}
      }
      const slow = await createOAuthApp(provider, {
        providers: [],
        oauth: (base) => ({
          providerTimeoutMs: 300,
          passport: {
            hang: { ...acmeSource(provider, ''), strategy: acmeStrategy(`${junkUrl}/hang`), options: { ...acmeSource(provider, '').options, callbackURL: `${base}/auth/hang/callback` } },
            silent: { ...acmeSource(provider, ''), strategy: SilentStrategy, options: { ...acmeSource(provider, '').options, callbackURL: `${base}/auth/silent/callback` } },
          },
        }),
      });
      try {
        const browser = new Browser(slow);
        for (const source of ['hang', 'silent']) {
          const account = provider.addGoogleAccount({ sub: nextSub(), email: uniqueEmail(source), email_verified: true });
          const { result } = await browser.signIn(source, account);
          expect({ source, status: result.status, code: result.body?.code }).toEqual({ source, status: 503, code: 'oauth_provider_unavailable' });
        }
      } finally {
        await slow.close();
      }
    });
  });
});
