import fc from 'fast-check';
import type Redis from 'ioredis';
import { createRedisClient, globEscape, scanKeys, sessionRecordCount } from '../support/redis-client';
import { http, uniqueEmail } from '../support/test-app';
import { type AbuseApp, createAbuseApp, strongPassword } from '../support/abuse-app';

const STABLE_400_CODES = ['validation_failed', 'malformed_json', 'weak_password'];

describe('hostile input on the auth routes', () => {
  let t: AbuseApp;
  let redis: Redis;
  const keys = () => scanKeys(redis, `${globEscape(t.keyPrefix)}:*`);
  const sessionCount = async () => {
    let count = 0;
    for (const key of (await keys()).filter((k) => /:s$/.test(k))) count += await sessionRecordCount(redis, key);
    return count;
  };

  beforeAll(async () => {
    t = await createAbuseApp();
    redis = createRedisClient();
  });

  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });

  const raw = (path: string, body: string) => http(t.url, 'POST', path, { body, headers: { 'content-type': 'application/json' } });

  const hostileCredentials: Array<[string, string]> = [
    ['an operator object', JSON.stringify({ email: { $ne: null }, password: 'some password!' })],
    ['an operator in the password', JSON.stringify({ email: 'x@example.com', password: { $gt: '' } })],
    ['arrays for strings', JSON.stringify({ email: ['x@example.com'], password: ['some password!'] })],
    ['numbers and booleans', JSON.stringify({ email: 1, password: true })],
    ['null values', JSON.stringify({ email: null, password: null })],
    ['a __proto__ key', '{"__proto__":{"polluted":"yes"},"email":"x@example.com","password":"some password!"}'],
    ['a nested __proto__ key', '{"email":"x@example.com","password":"some password!","a":{"__proto__":{"polluted":"yes"}}}'],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"polluted":"yes"}},"email":"x@example.com","password":"some password!"}'],
    ['an extra field (roles)', JSON.stringify({ email: 'x@example.com', password: 'some password!', roles: ['admin'] })],
    ['a 64 KB email', JSON.stringify({ email: `${'a'.repeat(64 * 1024)}@example.com`, password: 'some password!' })],
    ['a 64 KB password', JSON.stringify({ email: 'x@example.com', password: 'p'.repeat(64 * 1024) })],
    ['a JSON array', '[{"email":"x@example.com","password":"some password!"}]'],
    ['a JSON string', '"x@example.com"'],
    ['JSON null', 'null'],
    ['malformed JSON', '{"email": "x@example.com", "password": '],
    ['deep nesting', `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`],
  ];

  const unicodeEmails: Array<[string, string]> = [
    ['a zero-width space', 'ad\u200bmin@example.com'],
    ['a zero-width joiner', 'ad\u200dmin@example.com'],
    ['a right-to-left override', 'admin@exa\u202emple.com'],
    ['a NUL', 'admin\u0000@example.com'],
    ['a no-break space', 'admin\u00a0@example.com'],
    ['an ideographic space', 'admin\u3000@example.com'],
    ['a line separator', 'admin\u2028@example.com'],
    ['a fullwidth @', 'admin\uff20example.com'],
    ['a lone surrogate', 'admin\ud800@example.com'],
    ['a private-use character', 'admin\ue000@example.com'],
  ];

  it.each([...hostileCredentials, ...unicodeEmails.map(([name, email]): [string, string] => [`an email with ${name}`, JSON.stringify({ email, password: 'some password!' })])])(
    'register and login with %s -> 400 with a stable code; no user, no session, nothing hashed',
    async (_name, body) => {
      const before = (await keys()).length;
      t.hasher.reset();
      for (const path of ['/auth/register', '/auth/login']) {
        const res = await raw(path, body);
        expect(res.status).toBe(400);
        expect(STABLE_400_CODES).toContain(res.body.code);
        expect(Object.keys(res.body).sort()).toEqual(['code', 'message', 'statusCode']);
        expect(res.setCookie).toEqual([]);
      }
      expect((await keys()).length).toBe(before);
      expect(t.hasher.calls).toEqual({ hash: 0, verify: 0, needsRehash: 0 });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
  );

  it('a password with a lone surrogate is refused (it would hash like U+FFFD)', async () => {
    const res = await raw('/auth/register', JSON.stringify({ email: uniqueEmail(), password: '\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud800' }));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it('NFC and NFD spellings, and case, name ONE account (normalised); international addresses work', async () => {
    const local = `jos\u00e9-${Date.now()}`;
    const nfc = `${local}@example.com`;
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const password = strongPassword();
    expect((await http(t.url, 'POST', '/auth/register', { json: { email: nfd, password } })).status).toBe(201);
    expect((await http(t.url, 'POST', '/auth/register', { json: { email: nfc.toUpperCase(), password } })).body.code).toBe('email_taken');
    expect((await http(t.url, 'POST', '/auth/login', { json: { email: nfc, password } })).status).toBe(200);
    const idn = `用户${Date.now()}@例子.广告`;
    expect((await http(t.url, 'POST', '/auth/register', { json: { email: idn, password } })).status).toBe(201);
  });

  it.each([
    ['an operator object', { refreshToken: { $ne: null } }],
    ['an array', { refreshToken: ['a.b.c'] }],
    ['a 64 KB string', { refreshToken: 'a'.repeat(64 * 1024) }],
    ['an extra field', { refreshToken: 'a.b.c', userId: 'admin' }],
  ])('refresh with %s -> 400 validation_failed', async (_name, json) => {
    const res = await http(t.url, 'POST', '/auth/refresh', { json });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it.each([
    ['garbage', 'not-a-token'],
    ['a forged shape', `${Buffer.from('admin').toString('base64url')}.${'A'.repeat(22)}.${'B'.repeat(43)}`],
    ['dots only', '..'],
    ['a non-canonical user segment', `YWRtaW4.${'A'.repeat(22)}.${'B'.repeat(43)}`.replace('YWRtaW4', 'YWRtaW5')],
  ])('refresh with %s -> 401 refresh_token_invalid', async (_name, refreshToken) => {
    const res = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('refresh_token_invalid');
  });

  it('fuzz (fast-check): random JSON at register/login/refresh -> never 5xx, the app stays up, and no session without a token response', async () => {
    const sessionsBefore = (await sessionCount());
    let tokenResponses = 0;
    const key = fc.constantFrom('email', 'password', 'refreshToken', '__proto__', 'constructor', 'roles', 'toString');
    const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string(), fc.emailAddress(), fc.string({ minLength: 8, maxLength: 140 }));
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.dictionary(key, value, { maxKeys: 4 }).map((v) => JSON.stringify(v)),
      fc.record({ email: value, password: value }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      fc.record({ refreshToken: value }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    const route = fc.constantFrom('/auth/register', '/auth/login', '/auth/refresh');
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded');
    await fc.assert(
      fc.asyncProperty(route, body, contentType, async (path, payload, type) => {
        const res = await http(t.url, 'POST', path, { body: payload, headers: { 'content-type': type } });
        expect(res.status).toBeLessThan(500);
        expect(res.status).toBeGreaterThanOrEqual(200);
        if (res.status >= 200 && res.status < 300) {
          tokenResponses += 1;
          expect(path).toBe('/auth/register'); // random input never logs in or refreshes
          expect(typeof res.body.accessToken).toBe('string');
        } else {
          expect(typeof res.body.code).toBe('string');
          expect(res.body.accessToken).toBeUndefined();
          expect(res.setCookie).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
    expect((await http(t.url, 'GET', '/')).status).toBe(200);
    expect((await sessionCount()) - sessionsBefore).toBe(tokenResponses);
  });
});
