import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../../lib/adapters/redis/redis.options';
import { Browser, cookieValue, createOAuthApp, type OAuthTestApp } from '../support/oauth-harness';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { redisTopologies } from '../support/redis-topologies';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'many instances password';

/**
 * Two app instances (separate Nest apps: their own Redis clients, token caches and in-process state) on the
 * same Redis and key prefix, as behind a load balancer, on every topology. A connects with the module's own
 * client (`url` / `sentinels` / `cluster`), B with a client the app created (`{ client }`: a `Redis` or a `Cluster`).
 */
describe.each(redisTopologies())('two app instances on one Redis ($name)', (topology) => {
  let a: TestApp;
  let b: TestApp;
  let client: RedisClient;

  beforeAll(async () => {
    const keyPrefix = `mi${randomBytes(4).toString('hex')}`;
    client = topology.createClient();
    a = await createTestApp({ redis: { ...topology.connection, keyPrefix } });
    b = await createTestApp({ redis: { client, keyPrefix } });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    client?.disconnect();
  });

  it('a session created on one is known to the other; logout on A rejects the access token on B at once', async () => {
    const email = uniqueEmail('mi');
    const reg = await http(a.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(reg.status).toBe(201);
    const { accessToken, refreshToken } = reg.body;
    // B verifies the token (and remembers its signature) and checks the session.
    expect((await http(b.url, 'GET', '/profile', { token: accessToken })).status).toBe(200);
    expect((await http(b.url, 'GET', '/profile', { token: accessToken })).status).toBe(200);

    expect((await http(a.url, 'POST', '/auth/logout', { token: accessToken })).status).toBe(204);
    const after = await http(b.url, 'GET', '/profile', { token: accessToken });
    expect(after.status).toBe(401);
    expect((await http(b.url, 'POST', '/auth/refresh', { json: { refreshToken } })).status).toBe(401);
  });

  it('a refresh token rotated on A is rotated on B next; replaying the old one on B is caught as reuse', async () => {
    const reg = await http(a.url, 'POST', '/auth/register', { json: { email: uniqueEmail('rot'), password: PASSWORD } });
    const first = await http(a.url, 'POST', '/auth/refresh', { json: { refreshToken: reg.body.refreshToken } });
    expect(first.status).toBe(200);
    const second = await http(b.url, 'POST', '/auth/refresh', { json: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
    expect((await http(a.url, 'GET', '/profile', { token: second.body.accessToken })).status).toBe(200);
  });

  it('login throttling counts the failures made on both instances together', async () => {
    const email = uniqueEmail('thr');
    expect((await http(a.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } })).status).toBe(201);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const instance = attempt % 2 === 0 ? a : b;
      statuses.push((await http(instance.url, 'POST', '/auth/login', { json: { email, password: 'wrong password!' } })).status);
    }
    // 5 failures per email+ip (default) across A and B, then blocked on both; per instance it would take 10.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect((await http(a.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } })).status).toBe(429);
    expect((await http(b.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } })).status).toBe(429);
  });
});

describe.each(redisTopologies())('OAuth across two instances ($name)', (topology) => {
  let provider: LocalOAuthProvider;
  let a: OAuthTestApp;
  let b: OAuthTestApp;

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    const keyPrefix = `mo${randomBytes(4).toString('hex')}`;
    a = await createOAuthApp(provider, { providers: ['google'], auth: { redis: { ...topology.connection, keyPrefix } } });
    // Behind one load balancer both instances have the same public callback URL (here A's).
    b = await createOAuthApp(provider, {
      providers: ['google'],
      auth: { redis: { ...topology.connection, keyPrefix } },
      oauth: { google: { ...provider.googleOptions(), callbackUrl: `${a.url}/auth/google/callback` } },
    });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await provider?.stop();
  });

  it('started on A, the callback lands on B: B completes the sign-in; the session works on both', async () => {
    const email = uniqueEmail('oauth-mi');
    const account = provider.addGoogleAccount({ sub: `20${Date.now()}`, email, email_verified: true, name: 'Two Instances' });
    const started = await new Browser(a).begin('google');
    const callbackUrl = await new Browser(a).consent(started.authorizeUrl, account);
    const onB = new URL(callbackUrl.pathname + callbackUrl.search, b.url);
    const result = await new Browser(b).callback(onB, started.stateCookie);
    expect(result.status).toBe(302);
    expect(result.location).toBe('http://app.test/welcome');
    const refreshCookie = result.setCookie.map((c) => cookieValue([c], c.split('=')[0])).find((c) => c?.includes('_rt='));
    expect(refreshCookie).toBeDefined();
    const refreshed = await new Browser(a).refresh(refreshCookie as string);
    expect(refreshed.status).toBe(200);
    expect((await http(b.url, 'GET', '/auth/me', { token: refreshed.body.accessToken })).body.email).toBe(email);
    // The state was consumed on B: replaying the callback on A fails.
    const replay = await new Browser(a).callback(callbackUrl, started.stateCookie);
    expect(replay.status).not.toBe(302);
  });
});
