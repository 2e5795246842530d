import { MemorySessionStore, MemoryUserStore } from '../../lib';
import { RedisServer } from '../support/redis-server';
import { http, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, strongPassword } from '../support/abuse-app';

const WRONG = 'definitely not it';

async function login(t: AbuseApp, email: string, password: string, headers: Record<string, string> = {}) {
  return http(t.url, 'POST', '/auth/login', { json: { email, password }, headers });
}

describe('login throttling over HTTP (real Redis)', () => {
  let t: AbuseApp;

  beforeAll(async () => {
    t = await createAbuseApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('5 failures per email+ip -> 429 too_many_attempts with Retry-After; refused attempts hash nothing, even with the right password', async () => {
    const email = uniqueEmail('thr');
    const password = strongPassword();
    expect((await http(t.url, 'POST', '/auth/register', { json: { email, password } })).status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await login(t, email, WRONG)).status).toBe(401);
    t.hasher.reset();
    const refused = await login(t, email, WRONG);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ statusCode: 429, code: 'too_many_attempts', message: expect.any(String) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const rightButBlocked = await login(t, email, password);
    expect(rightButBlocked.status).toBe(429);
    expect(rightButBlocked.body.accessToken).toBeUndefined();
    expect(t.hasher.calls.verify).toBe(0);
  });

  it('unknown emails are throttled exactly like known ones (no existence oracle)', async () => {
    const email = uniqueEmail('ghost');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(t, email, WRONG)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('a success resets the email+ip counter', async () => {
    const email = uniqueEmail('reset');
    const password = strongPassword();
    await http(t.url, 'POST', '/auth/register', { json: { email, password } });
    for (let i = 0; i < 4; i++) await login(t, email, WRONG);
    expect((await login(t, email, password)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(t, email, WRONG)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('20 concurrent wrong guesses: exactly 5 are checked (hashed), 15 get 429', async () => {
    const email = uniqueEmail('race');
    await http(t.url, 'POST', '/auth/register', { json: { email, password: strongPassword() } });
    t.hasher.reset();
    const results = await Promise.all(Array.from({ length: 20 }, () => login(t, email, WRONG)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect(t.hasher.calls.verify).toBe(5);
  });

  it('X-Forwarded-For is ignored without `trust proxy`: rotating it does not escape the email+ip limit', async () => {
    const email = uniqueEmail('xff');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(t, email, WRONG, { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('login throttling: per-ip, per-account and trust proxy', () => {
  it('per ip: failures across many emails (password spraying) hit the ip limit', async () => {
    const t = await createAbuseApp({ throttle: { ip: { limit: 3 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await login(t, uniqueEmail('spray'), WRONG)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await t.close();
    }
  });

  it('with `trust proxy` the client ip comes from X-Forwarded-For: per-email+ip counters are per client, the account limit spans them', async () => {
    const t = await createAbuseApp({ throttle: { account: { limit: 8 } } }, { trustProxy: 'loopback' });
    try {
      const email = uniqueEmail('acct');
      const password = strongPassword();
      await http(t.url, 'POST', '/auth/register', { json: { email, password } });
      const statuses: number[] = [];
      // 4 clients x 2 failures: no email+ip counter reaches 5, but the account reaches 8.
      for (let client = 1; client <= 4; client++) {
        for (let i = 0; i < 2; i++) statuses.push((await login(t, email, WRONG, { 'x-forwarded-for': `198.51.100.${client}` })).status);
      }
      expect(statuses).toEqual(Array(8).fill(401));
      const fromNewIp = await login(t, email, password, { 'x-forwarded-for': '198.51.100.200' });
      expect(fromNewIp.status).toBe(429);
      // The session records the forwarded ip once a login succeeds elsewhere (another account).
      const other = uniqueEmail('acct-ok');
      await http(t.url, 'POST', '/auth/register', { json: { email: other, password } });
      const ok = await login(t, other, password, { 'x-forwarded-for': '198.51.100.77' });
      expect(ok.status).toBe(200);
      const sessions = await http(t.url, 'GET', '/auth/sessions', { token: ok.body.accessToken });
      expect(sessions.body.map((s: { ip: string }) => s.ip)).toContain('198.51.100.77');
      // An IPv4 client seen as IPv4-mapped IPv6 (a server on `::`) is recorded as IPv4.
      const mapped = await login(t, other, password, { 'x-forwarded-for': '::FFFF:198.51.100.78' });
      expect(mapped.status).toBe(200);
      const listed = await http(t.url, 'GET', '/auth/sessions', { token: mapped.body.accessToken });
      expect(listed.body.find((s: { current: boolean }) => s.current)).toMatchObject({ ip: '198.51.100.78' });
    } finally {
      await t.close();
    }
  });

  it('Redis down: throttling falls back to the in-process limiter and still refuses (never fails open)', async () => {
    // Users and sessions live elsewhere (the app's own stores); only the throttler needs Redis, which is down.
    const server = await RedisServer.start();
    await server.stop();
    const sessionStore = new MemorySessionStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000, reuseWindowMs: 5000, maxSessionsPerUser: 10 });
    const t = await createAbuseApp({ redis: { url: server.url }, userStore: new MemoryUserStore(), sessionStore });
    try {
      const email = uniqueEmail('fallback');
      const password = strongPassword();
      expect((await http(t.url, 'POST', '/auth/register', { json: { email, password } })).status).toBe(201);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(t, email, WRONG)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      expect((await login(t, email, password)).status).toBe(429);
    } finally {
      await t.close();
      sessionStore.close();
    }
  });
});
