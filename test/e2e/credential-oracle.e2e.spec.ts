import { UserStore } from '../../lib';
import { http, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, strongPassword } from '../support/abuse-app';

/**
 * Unknown email, wrong password and an OAuth-only account (no password) must be indistinguishable:
 * same status, same body, same headers that matter, and exactly one real argon2 verify on each path
 * (a dummy hash for the first and last). Counted by wrapping the real hasher; no timing assertions.
 */
describe('login gives no account-existence oracle', () => {
  let t: AbuseApp;
  const password = strongPassword();
  const known = uniqueEmail('known');
  const oauthOnly = uniqueEmail('oauth-only');

  beforeAll(async () => {
    t = await createAbuseApp();
    expect((await http(t.url, 'POST', '/auth/register', { json: { email: known, password } })).status).toBe(201);
    await t.app.get<UserStore>(UserStore).create({ email: oauthOnly, passwordHash: null, roles: ['user'], emailVerified: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function attempt(email: string, pw: string) {
    t.hasher.reset();
    const res = await http(t.url, 'POST', '/auth/login', { json: { email, password: pw } });
    return { res, calls: { ...t.hasher.calls } };
  }

  it('unknown email, wrong password and OAuth-only account: identical status and body, one verify each, no hashing', async () => {
    // Warm the dummy hash first so that the measured paths are the steady state.
    await attempt(uniqueEmail('warm'), 'warm-up password');
    const unknown = await attempt(uniqueEmail('nobody'), 'some password!');
    const wrong = await attempt(known, 'some password!');
    const noPassword = await attempt(oauthOnly, 'some password!');

    for (const { res, calls } of [unknown, wrong, noPassword]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, code: 'invalid_credentials', message: 'Invalid email or password' });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.setCookie).toEqual([]);
      expect(calls.verify).toBe(1);
      expect(calls.hash).toBe(0);
    }
    expect(JSON.stringify(unknown.res.body)).toBe(JSON.stringify(wrong.res.body));
    expect(JSON.stringify(noPassword.res.body)).toBe(JSON.stringify(wrong.res.body));
  });

  it('the right password verifies once too and logs in', async () => {
    const ok = await attempt(known, password);
    expect(ok.res.status).toBe(200);
    expect(ok.calls.verify).toBe(1);
  });
});
