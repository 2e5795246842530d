import { AuthEvent, AuthEvents } from '../../lib';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { scanKeys } from '../support/redis-client';
import { http, uniqueEmail } from '../support/test-app';
import { Browser, createOAuthApp, type OAuthTestApp } from '../support/oauth-harness';

let seq = 0;
const nextSub = () => `20${Date.now()}${++seq}`;

/** Issue 10, findings 4 and 15: OAuth start is throttled and bounded; provider emails get the sign-up email check. */
describe('OAuth abuse (real local OAuth server, real HTTP, real Redis)', () => {
  let provider: LocalOAuthProvider;
  let t: OAuthTestApp;
  let browser: Browser;

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    t = await createOAuthApp(provider, { auth: { throttle: { oauthStart: { ip: { limit: 4, windowMs: 600_000 } } } } });
    browser = new Browser(t);
  });

  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });

  it('GET /auth/:provider is throttled per ip: past the limit 429 too_many_requests + Retry-After, and no state is stored', async () => {
    // The one throttle-and-emit path (issue 22): the refusal is a Throttled event like any other route's.
    const throttled: Array<{ action: string }> = [];
    t.app.get(AuthEvents).subscribe(AuthEvent.Throttled, (event) => throttled.push(event));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${t.url}/auth/google`, { redirect: 'manual' })).status);
    const stored = await scanKeys(t.redis, `${t.keyPrefix}:oauth:state:*`);
    const refused = await fetch(`${t.url}/auth/github`, { redirect: 'manual' });
    expect(statuses).toEqual([302, 302, 302, 302]);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ statusCode: 429, code: 'too_many_requests', message: expect.any(String) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await scanKeys(t.redis, `${t.keyPrefix}:oauth:state:*`)).toHaveLength(stored.length);
    expect(throttled).toEqual([expect.objectContaining({ action: 'oauth_start', retryAfterSeconds: expect.any(Number) })]);
  });

  it('one browser holds at most 5 pending authorizations per provider: a further start drops the earlier binding cookies', async () => {
    const other = await createOAuthApp(provider);
    try {
      const pending: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${other.url}/auth/google`, { redirect: 'manual', headers: pending.length ? { cookie: pending.join('; ') } : {} });
        expect(res.status).toBe(302);
        const set = res.headers.getSetCookie();
        expect(set.filter((c) => /Max-Age=0/.test(c))).toEqual([]);
        pending.push(set[0].split(';')[0]);
      }
      const sixth = await fetch(`${other.url}/auth/google`, { redirect: 'manual', headers: { cookie: pending.join('; ') } });
      expect(sixth.status).toBe(302);
      const set = sixth.headers.getSetCookie();
      const cleared = set.filter((c) => /Max-Age=0/.test(c)).map((c) => c.split('=')[0]).sort();
      expect(cleared).toEqual(pending.map((c) => c.split('=')[0]).sort());
      expect(set.filter((c) => !/Max-Age=0/.test(c))).toHaveLength(1); // the new one
    } finally {
      await other.close();
    }
  });

  it('a provider email with a zero-width character is refused by the same check as sign-up: never stored', async () => {
    const other = await createOAuthApp(provider);
    try {
      const tricky = uniqueEmail('ad\u200Bmin');
      const account = provider.addGoogleAccount({ sub: nextSub(), email: tricky, email_verified: true, name: 'Z' });
      const { result } = await new Browser(other).signIn('google', account);
      const stored: string[] = [];
      for (const key of await scanKeys(other.redis, `${other.keyPrefix}:*`)) {
        const type = await other.redis.type(key);
        if (type === 'hash') stored.push(JSON.stringify(await other.redis.hgetall(key)));
        else if (type === 'string') stored.push(String(await other.redis.get(key)));
        stored.push(key);
      }
      expect(stored.join('\n')).not.toContain('\u200B');
      if (result.status === 302 && /authkit_rt=/.test(result.setCookie.join(';'))) {
        const { me } = await new Browser(other).me(result);
        expect(String(me.body.email)).not.toContain('\u200B');
      }
      // Sign-up refuses the same address.
      expect((await http(other.url, 'POST', '/auth/register', { json: { email: tricky, password: 'pw zqxw vjkp 12' } })).status).toBe(400);
    } finally {
      await other.close();
    }
  });
});
