import { Argon2PasswordHasher } from '../../lib';
import { FAST_HASHING, http, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, strongPassword } from '../support/abuse-app';

const WRONG = 'definitely not it';

function register(t: AbuseApp, email: string, headers: Record<string, string> = {}) {
  return http(t.url, 'POST', '/auth/register', { json: { email, password: strongPassword() }, headers });
}

function login(t: AbuseApp, email: string, ip: string, password = WRONG) {
  return http(t.url, 'POST', '/auth/login', { json: { email, password }, headers: { 'x-forwarded-for': ip } });
}

/** Issue 10, finding 5: registration is throttled per ip and per email before any hashing. */
describe('registration throttling over HTTP (real Redis)', () => {
  let t: AbuseApp;

  beforeAll(async () => {
    t = await createAbuseApp(
      { throttle: { register: { ip: { limit: 3, windowMs: 3_600_000 }, email: { limit: 2, windowMs: 3_600_000 } } } },
      { trustProxy: 'loopback' },
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  it('per ip: past the limit 429 too_many_requests + Retry-After, nothing hashed; other ips are not affected', async () => {
    const ip = '198.51.100.20';
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await register(t, uniqueEmail('rip'), { 'x-forwarded-for': ip })).status);
    t.hasher.reset();
    const refused = await register(t, uniqueEmail('rip'), { 'x-forwarded-for': ip });
    expect(statuses).toEqual([201, 201, 201]);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ statusCode: 429, code: 'too_many_requests', message: expect.any(String) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(refused.setCookie).toEqual([]);
    expect(t.hasher.calls.hash).toBe(0);
    expect((await register(t, uniqueEmail('rip'), { 'x-forwarded-for': '198.51.100.21' })).status).toBe(201);
  });

  it('per email (counted whether or not it is taken): the 409 oracle answers at most `limit` times per window', async () => {
    const email = uniqueEmail('rmail');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await register(t, email, { 'x-forwarded-for': `203.0.113.${10 + i}` })).status);
    expect(statuses).toEqual([201, 409, 429, 429]);
  });
});

/** Issue 10, finding 6: ips are keyed canonically (IPv4-mapped IPv6 as IPv4, IPv6 by /64). */
describe('ip canonicalisation of login throttling (trust proxy, X-Forwarded-For)', () => {
  let t: AbuseApp;

  beforeAll(async () => {
    t = await createAbuseApp({}, { trustProxy: 'loopback' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('one address written 6 ways gets 5 tries (the email+ip limit), not 5 per spelling', async () => {
    const email = uniqueEmail('six');
    const spellings = ['1.2.3.4', '::ffff:1.2.3.4', '::FFFF:1.2.3.4', '0:0:0:0:0:ffff:102:304', '::ffff:0102:0304', '0000:0000:0000:0000:0000:ffff:1.2.3.4'];
    const statuses: number[] = [];
    for (const ip of spellings) statuses.push((await login(t, email, ip)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('150 addresses of one IPv6 /64 share the per-ip limit (100 failures): the 101st is refused', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 150; i++) statuses.push((await login(t, uniqueEmail('v6'), `2001:db8:42:7:${i.toString(16)}::${(i * 7).toString(16)}`)).status);
    expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(100).every((s) => s === 429)).toBe(true);
    // Another /64 is another client.
    expect((await login(t, uniqueEmail('v6'), '2001:db8:42:8::1')).status).toBe(401);
  });
});

/** Issue 10, finding 5: the hashing queue is bounded; when full, 503 busy (never a 500, never an unbounded wait). */
describe('bounded hashing queue over HTTP', () => {
  it('30 concurrent registrations with 1 hash at a time and 2 waiting: the overflow gets 503 busy + Retry-After, the rest 201', async () => {
    const hasher = new Argon2PasswordHasher({ ...FAST_HASHING, memoryCostKiB: 32 * 1024, timeCost: 3 }, 1, 2);
    const t = await createAbuseApp({ passwordHasher: hasher });
    try {
      const results = await Promise.all(Array.from({ length: 30 }, () => register(t, uniqueEmail('busy'))));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(3);
      const busy = results.filter((r) => r.status === 503);
      expect(busy.length).toBeGreaterThan(0);
      for (const res of busy) {
        expect(res.body).toEqual({ statusCode: 503, code: 'busy', message: expect.any(String) });
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(res.body.accessToken).toBeUndefined();
      }
    } finally {
      await t.close();
    }
  });
});

/** Issue 10, finding 5: `registration.emailTakenResponse: 'generic'` removes the 409 oracle. */
describe("registration.emailTakenResponse 'generic'", () => {
  let t: AbuseApp;

  beforeAll(async () => {
    t = await createAbuseApp({ registration: { emailTakenResponse: 'generic' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a new email and a taken one get the same 202 answer, without tokens; the new account then signs in', async () => {
    const email = uniqueEmail('generic');
    const password = strongPassword();
    const fresh = await http(t.url, 'POST', '/auth/register', { json: { email, password } });
    const taken = await http(t.url, 'POST', '/auth/register', { json: { email, password: strongPassword() } });
    for (const res of [fresh, taken]) {
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'accepted' });
      expect(res.setCookie).toEqual([]);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    expect((await http(t.url, 'POST', '/auth/login', { json: { email, password } })).status).toBe(200);
  });
});
