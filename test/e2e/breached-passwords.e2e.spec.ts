import { createHash } from 'node:crypto';
import { BreachCheckUnavailableError, WeakPasswordError } from '../../lib';
import { PasswordPolicy, resolvePasswordPolicyOptions } from '../../lib/core/users/password-policy';
import { PwnedRangeServer } from '../support/pwned-range-server';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const BREACHED = 'correct horse battery staple';
const CLEAN = 'a passphrase nobody has leaked 7f3a';

describe('passwordPolicy.breached: the k-anonymity range API (a real server on loopback)', () => {
  const range = new PwnedRangeServer({ [BREACHED]: 3_861_493 });
  let url: string;

  beforeAll(async () => {
    url = await range.start();
  });

  afterAll(() => range.stop());

  beforeEach(() => {
    range.delayMs = 0;
  });

  function policy(breached: object) {
    return new PasswordPolicy(resolvePasswordPolicyOptions({ breached: { url, ...breached } }));
  }

  it('refuses a breached password (weak_password, reason breached), accepts a clean one; only a 5-hex-char prefix leaves', async () => {
    const from = range.paths.length;
    await expect(policy({}).checkNew(BREACHED)).rejects.toMatchObject({ code: 'weak_password', reason: 'breached' });
    await expect(policy({}).checkNew(CLEAN)).resolves.toBeUndefined();
    const asked = range.paths.slice(from);
    const sha1 = (p: string) => createHash('sha1').update(p).digest('hex').toUpperCase();
    expect(asked).toEqual([`/range/${sha1(BREACHED).slice(0, 5)}`, `/range/${sha1(CLEAN).slice(0, 5)}`]);
  });

  it('timeout: fail open by default (the rest of the policy decides), fail closed with onUnavailable refuse (503)', async () => {
    range.delayMs = 2_000;
    const started = Date.now();
    await expect(policy({ timeoutMs: 200 }).checkNew(BREACHED)).resolves.toBeUndefined();
    const refused = policy({ timeoutMs: 200, onUnavailable: 'refuse' }).checkNew(BREACHED);
    await expect(refused).rejects.toBeInstanceOf(BreachCheckUnavailableError);
    await expect(refused).rejects.toMatchObject({ httpStatus: 503, code: 'breach_check_unavailable' });
    expect(Date.now() - started).toBeLessThan(1_500);
    // The local rules still apply while the service is away.
    await expect(policy({ timeoutMs: 200 }).checkNew('password')).rejects.toBeInstanceOf(WeakPasswordError);
  });

  it('refuses http: URLs other than loopback', () => {
    expect(() => resolvePasswordPolicyOptions({ breached: { url: 'http://pwned.example' } })).toThrow(/passwordPolicy\.breached\.url/);
    expect(resolvePasswordPolicyOptions({ breached: true }).breached).toEqual({ url: 'https://api.pwnedpasswords.com', timeoutMs: 1500, onUnavailable: 'allow' });
    expect(resolvePasswordPolicyOptions({}).breached).toBeUndefined();
  });

  describe('over HTTP', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ passwordPolicy: { breached: { url, timeoutMs: 1000 } } });
    });

    afterAll(() => t.close());

    it('register with a breached password is 400 weak_password; with a clean one 201', async () => {
      const bad = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('br'), password: BREACHED } });
      expect([bad.status, bad.body.code]).toEqual([400, 'weak_password']);
      expect((await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('br'), password: CLEAN } })).status).toBe(201);
    });
  });
});
