import { AuthService, type PasswordHasher } from '../../lib';
import { Argon2PasswordHasher } from '../../lib/adapters/hashing/argon2-password.hasher';
import { sleep } from '../support/time';
import { createTestApp, FAST_HASHING, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';

/**
 * Finding 2 of issue 10: password logins in flight survived a change of the credentials, because the user is
 * read before hashing and the session is created after `revokeAll`. A verify that takes a random 0-60 ms
 * (as a loaded argon2 queue would) spreads the logins of each run across the change.
 */
class SlowVerifyHasher implements PasswordHasher {
  private readonly inner = new Argon2PasswordHasher(FAST_HASHING);
  hash(password: string): Promise<string> {
    return this.inner.hash(password);
  }
  async verify(passwordHash: string, password: string): Promise<boolean> {
    await sleep(Math.random() * 60);
    return this.inner.verify(passwordHash, password);
  }
  needsRehash(passwordHash: string): boolean {
    return this.inner.needsRehash(passwordHash);
  }
}

const RUNS = 20;
const LOGINS_PER_RUN = 6;

describe('credential versions: logins in flight cannot outlive a change of the credentials (HTTP, real Redis)', () => {
  let t: TestApp;
  let auth: AuthService;

  beforeAll(async () => {
    t = await createTestApp({ passwordHasher: new SlowVerifyHasher(), throttle: { ip: { limit: 10_000 } } });
    auth = t.app.get(AuthService);
  });

  afterAll(async () => {
    await t?.close();
  });

  /**
   * One run: a user, `LOGINS_PER_RUN` concurrent logins with its password, and `change` 20 ms in. Returns the
   * logins' responses and, for each login that got tokens, whether they still work afterwards.
   */
  async function race(change: (userId: string) => Promise<unknown>): Promise<{ responses: HttpResult[]; survivors: string[] }> {
    const email = uniqueEmail('race');
    const password = `Race-${Math.random().toString(36).slice(2)}-Pass!`;
    const registered = await http(t.url, 'POST', '/auth/register', { json: { email, password } });
    expect(registered.status).toBe(201);
    const userId: string = registered.body.user.id;
    const logins = Array.from({ length: LOGINS_PER_RUN }, () => http(t.url, 'POST', '/auth/login', { json: { email, password } }));
    await sleep(20);
    await change(userId);
    const responses = await Promise.all(logins);
    const survivors: string[] = [];
    for (const res of responses.filter((r) => r.status === 200)) {
      const profile = await http(t.url, 'GET', '/profile', { token: res.body.accessToken });
      const refreshed = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: res.body.refreshToken } });
      if (profile.status !== 401) survivors.push(`access token -> ${profile.status}`);
      if (refreshed.status !== 401) survivors.push(`refresh -> ${refreshed.status}`);
    }
    // The registration's own session ended too.
    if ((await http(t.url, 'GET', '/profile', { token: registered.body.accessToken })).status !== 401) survivors.push('registration session');
    return { responses, survivors };
  }

  async function runs(change: (userId: string) => Promise<unknown>): Promise<{ survivors: string[]; inFlight: number; succeeded: number }> {
    const survivors: string[] = [];
    let inFlight = 0;
    let succeeded = 0;
    for (let run = 0; run < RUNS; run++) {
      const result = await race(change);
      survivors.push(...result.survivors.map((s) => `run ${run}: ${s}`));
      succeeded += result.responses.filter((r) => r.status === 200).length;
      // Read the user before the change, created its session after it: refused.
      inFlight += result.responses.filter((r) => r.status === 401 && r.body.code === 'session_revoked').length;
    }
    return { survivors, inFlight, succeeded };
  }

  it(`changePassword: over ${RUNS} runs of ${LOGINS_PER_RUN} concurrent logins, no session of a login in flight can refresh or authenticate`, async () => {
    const { survivors, inFlight, succeeded } = await runs((userId) => auth.changePassword(userId, `Changed-${Math.random()}-Pass!`));
    expect(survivors).toEqual([]);
    // The race was real: logins finished before the change, and others were in flight across it.
    expect(succeeded).toBeGreaterThan(0);
    expect(inFlight).toBeGreaterThan(0);
  }, 120_000);

  it(`setDisabled: over ${RUNS} runs of ${LOGINS_PER_RUN} concurrent logins, no session of a login in flight can refresh or authenticate`, async () => {
    const { survivors, inFlight, succeeded } = await runs((userId) => auth.setDisabled(userId, true));
    expect(survivors).toEqual([]);
    expect(succeeded).toBeGreaterThan(0);
    expect(inFlight).toBeGreaterThan(0);
  }, 120_000);
});
