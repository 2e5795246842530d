import { createPrivateKey, generateKeyPairSync, type JsonWebKey, randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { sign as signJwt } from 'jsonwebtoken';
import { AuthExceptionFilter, AuthModule, OAuthProviderNotConfiguredError, OidcBackchannelLogout, UserStore } from '../../lib';
import { createPlatformApp } from '../support/http-adapter';
import { Browser, cookieValue, type OAuthTestApp, raw } from '../support/oauth-harness';
import { CookieJar, OidcTestProvider, type TamperKind } from '../support/oidc-test-provider';
import { freePort } from '../support/redis-server';
import { baseTestOptions, http, uniqueEmail } from '../support/test-app';
import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';

const codeAt = (secret: string, offsetSteps = 0) => hotp(base32Decode(secret)!, totpStep(Date.now()) + offsetSteps);

const SECRET = 'app-client-secret-0123456789abcdef';
let seq = 0;
const nextSub = () => `u${Date.now().toString(36)}${++seq}${randomBytes(2).toString('hex')}`;

/**
 * The oidc feature end to end against a real OpenID Provider (panva's oidc-provider 9, its own process on loopback),
 * real HTTP, real Redis. `idp` is the provider under test; `flaky` is a second name for the same issuer (another
 * client) that is never used before its discovery fails, with no retry back-off.
 */
describe('OpenID Connect providers (real oidc-provider, real HTTP, real Redis)', () => {
  let op: OidcTestProvider;
  let t: OAuthTestApp;
  let browser: Browser;

  beforeAll(async () => {
    op = await OidcTestProvider.start();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const clientKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await op.control({
      clients: [
        {
          client_id: 'app', client_secret: SECRET, redirect_uris: [`${base}/auth/idp/callback`],
          backchannel_logout_uri: `${base}/auth/idp/backchannel-logout`, backchannel_logout_session_required: true,
        },
        { client_id: 'app2', client_secret: SECRET, redirect_uris: [`${base}/auth/flaky/callback`] },
        {
          client_id: 'app3', redirect_uris: [`${base}/auth/signed/callback`], token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [{ ...clientKey.publicKey.export({ format: 'jwk' }), kid: 'app3-key', use: 'sig' }] },
        },
      ],
    });
    const keyPrefix = `t${randomBytes(4).toString('hex')}`;
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          ...baseTestOptions(keyPrefix),
          mfa: { encryptionKeys: [{ id: 'k1', key: Buffer.alloc(32, 7).toString('base64') }] },
          oauth: { successRedirect: 'http://app.test/welcome' },
          oidc: {
            idp: { issuer: op.issuer, clientId: 'app', clientSecret: SECRET, callbackUrl: `${base}/auth/idp/callback` },
            flaky: { issuer: op.issuer, clientId: 'app2', clientSecret: SECRET, callbackUrl: `${base}/auth/flaky/callback`, discoveryRetryMs: 0 },
            signed: {
              issuer: op.issuer, clientId: 'app3', callbackUrl: `${base}/auth/signed/callback`,
              privateKeyJwt: { privateKey: clientKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, keyId: 'app3-key' },
            },
          },
        }),
      ],
    }).compile();
    const app = createPlatformApp(moduleRef, { logger: false });
    app.useGlobalFilters(app.get(AuthExceptionFilter));
    await app.listen(port, '127.0.0.1');
    const redis = new Redis(process.env.REDIS_URL as string);
    t = { app, url: base, keyPrefix, redis, close: async () => (redis.disconnect(), await app.close()) };
    browser = new Browser(t);
  });

  afterAll(async () => {
    await t?.close();
    await op?.stop();
  });

  /** begin at the app, sign in at the provider's login page, come back to the callback. */
  async function signIn(login: string, jar = new CookieJar(), provider = 'idp') {
    const started = await browser.begin(provider);
    const callbackUrl = await op.login(started.authorizeUrl, login, jar);
    const result = await browser.callback(callbackUrl, started.stateCookie);
    return { started, callbackUrl, result, jar };
  }

  async function register(email: string) {
    const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: 'correct horse battery' } });
    expect(res.status).toBe(201);
    return res.body.user.id as string;
  }

  async function markVerified(userId: string) {
    await t.app.get<symbol, UserStore>(UserStore).markEmailVerified!(userId);
  }

  it('sends the browser to the discovered authorization endpoint with code + PKCE S256 + state + nonce', async () => {
    const { authorizeUrl, response } = await browser.begin('idp');
    expect(response.status).toBe(302);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${op.issuer}/auth`);
    const q = authorizeUrl.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('app');
    expect(q.get('redirect_uri')).toBe(`${t.url}/auth/idp/callback`);
    expect(q.get('scope')).toBe('openid email profile');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a first sign-in creates a user with the provider-verified email (read from userinfo); the next one finds it', async () => {
    const sub = nextSub();
    const email = uniqueEmail('oidc');
    await op.control({ accounts: { [sub]: { email, email_verified: true, name: 'Olga' } } });
    const { result } = await signIn(sub);
    expect(result.status).toBe(302);
    expect(result.location).toBe('http://app.test/welcome');
    const { me } = await browser.me(result);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email, emailVerified: true, amr: ['oauth'] });
    expect(await t.redis.get(`${t.keyPrefix}:identity:idp:${sub}`)).toBe(me.body.id);

    const again = await signIn(sub);
    expect((await browser.me(again.result)).me.body.id).toBe(me.body.id);
  });

  it('links to an existing account whose email is verified', async () => {
    const email = uniqueEmail('oidc-link');
    const userId = await register(email);
    await markVerified(userId);
    const sub = nextSub();
    await op.control({ accounts: { [sub]: { email, email_verified: true } } });
    const { result } = await signIn(sub);
    expect(result.status).toBe(302);
    expect((await browser.me(result)).me.body.id).toBe(userId);
    expect(await t.redis.get(`${t.keyPrefix}:identity:idp:${sub}`)).toBe(userId);
    // A verified account keeps its password (only an unverified one is secured first).
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: 'correct horse battery' } })).status).toBe(200);
  });

  it('an email the provider did not verify never links: a separate user without that email is created', async () => {
    const email = uniqueEmail('oidc-unverified');
    const userId = await register(email);
    await markVerified(userId);
    const sub = nextSub();
    await op.control({ accounts: { [sub]: { email, email_verified: false } } });
    const { result } = await signIn(sub);
    expect(result.status).toBe(302);
    const { me } = await browser.me(result);
    expect(me.body.id).not.toBe(userId);
    expect(me.body.email).toBeNull();
    // The password account is untouched.
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password: 'correct horse battery' } })).status).toBe(200);
  });

  it('private_key_jwt client authentication: the token request carries a signed assertion, the provider accepts it', async () => {
    const sub = nextSub();
    const email = uniqueEmail('oidc-pkjwt');
    await op.control({ accounts: { [sub]: { email, email_verified: true } } });
    const { result } = await signIn(sub, new CookieJar(), 'signed');
    expect(result.status).toBe(302);
    expect((await browser.me(result)).me.body.email).toBe(email);
  });

  it("a user with a second factor: the callback answers ?mfa=required (no refresh cookie); after the code, the provider's back-channel logout ends that session", async () => {
    const sub = nextSub();
    await op.control({ accounts: { [sub]: { email: uniqueEmail('oidc-mfa'), email_verified: true } } });
    const first = await signIn(sub);
    const { accessToken } = await browser.me(first.result);
    const setup = await http(t.url, 'POST', '/auth/mfa/totp/setup', { token: accessToken });
    expect((await http(t.url, 'POST', '/auth/mfa/totp/confirm', { token: accessToken, json: { code: codeAt(setup.body.secret, -1) } })).status).toBe(200);

    const jar = new CookieJar();
    const { result } = await signIn(sub, jar);
    expect(result.status).toBe(302);
    expect(result.location).toBe('http://app.test/welcome?mfa=required');
    expect(cookieValue(result.setCookie, 'authkit_rt')).toBeUndefined();
    const verified = await http(t.url, 'POST', '/auth/mfa/verify', { json: { code: codeAt(setup.body.secret) }, cookie: cookieValue(result.setCookie, 'authkit_mfa') });
    expect(verified.status).toBe(200);
    const mfaSession = verified.body.accessToken as string;
    expect((await http(t.url, 'GET', '/auth/me', { token: mfaSession })).body.amr).toEqual(['oauth', 'otp', 'mfa']);

    await op.logoutAtProvider(jar);
    expect((await http(t.url, 'GET', '/auth/me', { token: mfaSession })).status).toBe(401);
    // The logout token names the provider session (sid): the first sign-in, another provider session, stays.
    expect((await http(t.url, 'GET', '/auth/me', { token: accessToken })).status).toBe(200);
  });

  it('a replayed callback (same state, same cookie) is refused: oauth_state_invalid', async () => {
    const sub = nextSub();
    await op.control({ accounts: { [sub]: { email: uniqueEmail('oidc-replay'), email_verified: true } } });
    const { callbackUrl, started, result } = await signIn(sub);
    expect(result.status).toBe(302);
    const replay = await browser.callback(callbackUrl, started.stateCookie);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('oauth_state_invalid');
    expect(cookieValue(replay.setCookie, 'authkit_rt')).toBeUndefined();
  });

  it.each<[TamperKind]>([['signature'], ['payload'], ['foreign-key'], ['aud'], ['iss'], ['nonce'], ['expired'], ['azp'], ['none'], ['hs256']])(
    'a tampered id_token (%s) from the token endpoint is refused: 401 oidc_id_token_invalid, no session, no user',
    async (kind) => {
      const sub = nextSub();
      await op.control({ accounts: { [sub]: { email: uniqueEmail('oidc-tamper'), email_verified: true } }, tamper: kind });
      const { result } = await signIn(sub);
      expect(result.status).toBe(401);
      expect(result.body.code).toBe('oidc_id_token_invalid');
      expect(cookieValue(result.setCookie, 'authkit_rt')).toBeUndefined();
      expect(await t.redis.get(`${t.keyPrefix}:identity:idp:${sub}`)).toBeNull();
    },
  );

  it('key rotation at the provider (a new kid signs) keeps sign-in working', async () => {
    const sub = nextSub();
    await op.control({ accounts: { [sub]: { email: uniqueEmail('oidc-rotate'), email_verified: true } } });
    expect((await signIn(sub)).result.status).toBe(302);
    const before = (await op.privateJwks()).keys.map((k) => k.kid);
    const { kids } = await op.control({ rotate: true });
    expect(before).not.toContain(kids[0]);
    const after = await signIn(sub);
    expect(after.result.status).toBe(302);
    expect((await browser.me(after.result)).me.status).toBe(200);
  });

  it('discovery failing answers 503 oauth_provider_unavailable (a cached provider keeps working), and recovers', async () => {
    await op.control({ discovery: 'fail' });
    try {
      const down = await raw(`${t.url}/auth/flaky`);
      expect(down.status).toBe(503);
      expect(down.body.code).toBe('oauth_provider_unavailable');
      // idp's document is cached: unaffected.
      expect((await raw(`${t.url}/auth/idp`)).status).toBe(302);
    } finally {
      await op.control({ discovery: 'ok' });
    }
    const sub = nextSub();
    await op.control({ accounts: { [sub]: { email: uniqueEmail('oidc-flaky'), email_verified: true } } });
    const { result } = await signIn(sub, new CookieJar(), 'flaky');
    expect(result.status).toBe(302);
    expect((await browser.me(result)).me.status).toBe(200);
  });

  it("back-channel logout from the provider (RP-initiated logout there) ends the session opened through it, not the user's others", async () => {
    const email = uniqueEmail('oidc-bcl');
    const userId = await register(email);
    await markVerified(userId);
    const password = await http(t.url, 'POST', '/auth/login', { json: { email, password: 'correct horse battery' } });
    const sub = nextSub();
    await op.control({ accounts: { [sub]: { email, email_verified: true } } });
    const jar = new CookieJar();
    const { result } = await signIn(sub, jar);
    const { accessToken } = await browser.me(result);
    expect((await http(t.url, 'GET', '/auth/me', { token: accessToken })).status).toBe(200);

    await op.logoutAtProvider(jar);

    expect((await http(t.url, 'GET', '/auth/me', { token: accessToken })).status).toBe(401);
    // The password session of the same user is not the provider's to end.
    expect((await http(t.url, 'GET', '/auth/me', { token: password.body.accessToken })).status).toBe(200);
  });

  it("RP-initiated logout: OidcBackchannelLogout.endSessionUrl gives the provider's discovered end_session_endpoint for this client", async () => {
    const logout = t.app.get(OidcBackchannelLogout);
    const url = new URL((await logout.endSessionUrl('idp', 'http://app.test/bye'))!);
    expect(url.origin + url.pathname).toBe(`${op.issuer}/session/end`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'app', post_logout_redirect_uri: 'http://app.test/bye' });
    expect(() => logout.endSessionUrl('nope')).toThrow(OAuthProviderNotConfiguredError);
  });

  it('back-channel logout: a forged or replayed logout token is refused (400 oidc_logout_token_invalid); a valid one by sub answers 200', async () => {
    const sub = nextSub();
    await op.control({ accounts: { [sub]: { email: uniqueEmail('oidc-bcl2'), email_verified: true } } });
    const { result } = await signIn(sub);
    const { accessToken } = await browser.me(result);
    const [key] = (await op.privateJwks()).keys;
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: op.issuer, aud: 'app', iat: now, exp: now + 120, sub, jti: randomBytes(8).toString('hex'), events: { 'http://schemas.openid.net/event/backchannel-logout': {} } };
    const post = (token: string) =>
      http(t.url, 'POST', '/auth/idp/backchannel-logout', { body: new URLSearchParams({ logout_token: token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const privateKey = createPrivateKey({ key: key as JsonWebKey, format: 'jwk' });
    const sign = async (c: object) => signJwt({ ...c }, privateKey, { algorithm: 'RS256', header: { alg: 'RS256', kid: key.kid, typ: 'logout+jwt' } });

    const wrongAudience = await post(await sign({ ...claims, aud: 'other' }));
    expect(wrongAudience.status).toBe(400);
    expect(wrongAudience.body.code).toBe('oidc_logout_token_invalid');
    const withNonce = await post(await sign({ ...claims, nonce: 'x' }));
    expect(withNonce.status).toBe(400);
    expect((await http(t.url, 'GET', '/auth/me', { token: accessToken })).status).toBe(200);

    const token = await sign(claims);
    const ok = await post(token);
    expect(ok.status).toBe(200);
    expect((await http(t.url, 'GET', '/auth/me', { token: accessToken })).status).toBe(401);
    const replayed = await post(token);
    expect(replayed.status).toBe(400);
    expect(replayed.body.code).toBe('oidc_logout_token_invalid');
  });
});
