import { resolveAuthOptions } from '../../lib/auth.options';
import { http, TEST_SECRET, uniqueEmail } from '../support/test-app';
import { type AbuseApp, cookieValue, createAbuseApp, strongPassword } from '../support/abuse-app';

async function signUp(t: AbuseApp, email = uniqueEmail('csrf')) {
  const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: strongPassword() } });
  expect(res.status).toBe(201);
  return res;
}

function withNodeEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.NODE_ENV;
  if (value === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = value;
  return fn().finally(() => {
    process.env.NODE_ENV = saved;
  });
}

describe('refresh cookie attributes', () => {
  it('development: HttpOnly; SameSite=Strict; Path=<auth prefix>; no Secure', async () => {
    const t = await createAbuseApp({ refreshTokenTransport: 'cookie' });
    try {
      const reg = await signUp(t);
      expect(reg.setCookie).toHaveLength(1);
      const cookie = reg.setCookie[0];
      expect(cookie).toMatch(/^authkit_rt=[^;]+; /);
      expect(cookie).toContain('; Path=/auth;');
      expect(cookie).toContain('; HttpOnly');
      expect(cookie).toContain('; SameSite=Strict');
      expect(cookie).not.toContain('Secure');
      expect(reg.body.refreshToken).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it("the 'cookie' transport: a refresh token sent in the body alone -> 401 refresh_token_transport (not _missing); nothing -> _missing", async () => {
    const t = await createAbuseApp({ refreshTokenTransport: 'cookie' });
    try {
      const token = cookieValue((await signUp(t)).setCookie, 'authkit_rt')!;
      const inBody = await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: token } });
      expect(inBody.status).toBe(401);
      expect(inBody.body).toMatchObject({ statusCode: 401, code: 'refresh_token_transport' });
      expect(JSON.stringify(inBody.body)).not.toContain(token);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: {} })).body.code).toBe('refresh_token_missing');
      // The cookie still works, and the session was not touched by the refused attempt.
      expect((await http(t.url, 'POST', '/auth/refresh', { cookie: `authkit_rt=${token}` })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('outside development: Secure and the __Secure- name; refresh reads it, logout clears it with the same name and path', async () => {
    await withNodeEnv('production', async () => {
      const t = await createAbuseApp({ refreshTokenTransport: 'cookie' }, { extras: { routePrefix: 'api/auth' } });
      try {
        const reg = await http(t.url, 'POST', '/api/auth/register', { json: { email: uniqueEmail(), password: strongPassword() } });
        expect(reg.status).toBe(201);
        const [cookie] = reg.setCookie;
        expect(cookie).toMatch(/^__Secure-authkit_rt=[^;]+; Path=\/api\/auth; HttpOnly; SameSite=Strict; Secure; Max-Age=\d+$/);
        const token = cookieValue(reg.setCookie, '__Secure-authkit_rt')!;

        const refreshed = await http(t.url, 'POST', '/api/auth/refresh', { cookie: `__Secure-authkit_rt=${token}` });
        expect(refreshed.status).toBe(200);
        const rotated = cookieValue(refreshed.setCookie, '__Secure-authkit_rt')!;
        expect(rotated).not.toBe(token);

        const logout = await http(t.url, 'POST', '/api/auth/logout', { token: refreshed.body.accessToken, cookie: `__Secure-authkit_rt=${rotated}` });
        expect(logout.status).toBe(204);
        expect(logout.setCookie).toEqual(['__Secure-authkit_rt=; Path=/api/auth; HttpOnly; SameSite=Strict; Secure; Max-Age=0']);
      } finally {
        await t.close();
      }
    });
  });

  it('a configured name gets the __Secure- prefix when Secure; a prefixed name without Secure is refused', () => {
    const base = { jwt: { secret: TEST_SECRET } };
    expect(resolveAuthOptions({ ...base, cookie: { secure: true, name: 'rt' } }).http.cookie.name).toBe('__Secure-rt');
    expect(resolveAuthOptions({ ...base, cookie: { secure: true, name: '__Secure-rt' } }).http.cookie.name).toBe('__Secure-rt');
    expect(resolveAuthOptions({ ...base, cookie: { secure: false, name: 'rt' } }).http.cookie.name).toBe('rt');
    expect(() => resolveAuthOptions({ ...base, cookie: { secure: false, name: '__Secure-rt' } })).toThrow(/cookie.name/);
    expect(() => resolveAuthOptions({ ...base, cookie: { secure: true, name: '__Host-rt' } })).toThrow(/__Host-/);
    expect(() => resolveAuthOptions({ ...base, cookie: { name: 'a b;c' } })).toThrow(/cookie.name/);
  });
});

describe('CSRF defences on cookie-borne routes', () => {
  let t: AbuseApp;

  beforeAll(async () => {
    t = await createAbuseApp({ refreshTokenTransport: 'cookie', allowedOrigins: ['https://app.example'] });
  });

  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Origin: null', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: cross-site even with an allowed Origin', { 'sec-fetch-site': 'cross-site', origin: 'https://app.example' }],
  ])('refresh with %s -> 403 cross_site_request and the token is NOT consumed', async (_name, headers) => {
    const reg = await signUp(t);
    const token = cookieValue(reg.setCookie, 'authkit_rt')!;
    const refused = await http(t.url, 'POST', '/auth/refresh', { cookie: `authkit_rt=${token}`, headers });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ statusCode: 403, code: 'cross_site_request', message: expect.any(String) });
    expect(refused.setCookie).toEqual([]);
    // Same token, same-origin: still the current one.
    const ok = await http(t.url, 'POST', '/auth/refresh', { cookie: `authkit_rt=${token}`, headers: { origin: t.url } });
    expect(ok.status).toBe(200);
  });

  it('an allowed origin and a same-site browser request may refresh', async () => {
    const reg = await signUp(t);
    const token = cookieValue(reg.setCookie, 'authkit_rt')!;
    const ok = await http(t.url, 'POST', '/auth/refresh', {
      cookie: `authkit_rt=${token}`, headers: { origin: 'https://app.example', 'sec-fetch-site': 'same-site' },
    });
    expect(ok.status).toBe(200);
  });

  it('logout and logout-all carrying the cookie cross-site -> 403, the session survives', async () => {
    const reg = await signUp(t);
    const token = cookieValue(reg.setCookie, 'authkit_rt')!;
    for (const path of ['/auth/logout', '/auth/logout-all']) {
      const refused = await http(t.url, 'POST', path, {
        token: reg.body.accessToken, cookie: `authkit_rt=${token}`, headers: { origin: 'https://evil.example' },
      });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('cross_site_request');
      expect(refused.setCookie).toEqual([]);
    }
    expect((await http(t.url, 'GET', '/auth/me', { token: reg.body.accessToken })).status).toBe(200);
    expect((await http(t.url, 'POST', '/auth/refresh', { cookie: `authkit_rt=${token}` })).status).toBe(200);
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', (email: string, password: string) => new URLSearchParams({ email, password }).toString()],
    ['text/plain JSON', 'text/plain', (email: string, password: string) => JSON.stringify({ email, password })],
    ['multipart', 'multipart/form-data; boundary=x', (email: string, password: string) =>
      `--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n${email}\r\n--x\r\nContent-Disposition: form-data; name="password"\r\n\r\n${password}\r\n--x--\r\n`],
    ['application/jsonp', 'application/jsonp', (email: string, password: string) => JSON.stringify({ email, password })],
  ])('login/register/refresh with %s -> 415 unsupported_media_type, nobody logged in (login CSRF)', async (_name, type, encode) => {
    const email = uniqueEmail('form');
    const password = strongPassword();
    const reg = await signUp(t, email);
    const token = cookieValue(reg.setCookie, 'authkit_rt')!;
    t.hasher.reset();
    for (const path of ['/auth/login', '/auth/register']) {
      const res = await http(t.url, 'POST', path, { body: encode(email, password), headers: { 'content-type': type } });
      expect(res.status).toBe(415);
      expect(res.body).toEqual({ statusCode: 415, code: 'unsupported_media_type', message: expect.any(String) });
      expect(res.setCookie).toEqual([]);
    }
    const refresh = await http(t.url, 'POST', '/auth/refresh', { cookie: `authkit_rt=${token}`, body: 'x=1', headers: { 'content-type': type } });
    expect(refresh.status).toBe(415);
    expect(t.hasher.calls.verify + t.hasher.calls.hash).toBe(0);
    // The refresh token was not consumed by the refused request.
    expect((await http(t.url, 'POST', '/auth/refresh', { cookie: `authkit_rt=${token}` })).status).toBe(200);
  });

  it('application/json with a charset is accepted; a body-less cookie refresh needs no Content-Type', async () => {
    const email = uniqueEmail('json');
    const password = strongPassword();
    await signUp(t, email);
    const login = await http(t.url, 'POST', '/auth/login', {
      body: JSON.stringify({ email, password: 'wrong password!' }), headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(login.status).toBe(401);
    const reg = await signUp(t);
    const res = await http(t.url, 'POST', '/auth/refresh', { cookie: `authkit_rt=${cookieValue(reg.setCookie, 'authkit_rt')}` });
    expect(res.status).toBe(200);
  });
});

describe('cookie and body refresh tokens that differ', () => {
  it('-> 400 and neither token rotates', async () => {
    const t = await createAbuseApp({ refreshTokenTransport: 'both' });
    try {
      const a = await signUp(t);
      const b = await signUp(t);
      const res = await http(t.url, 'POST', '/auth/refresh', {
        cookie: `authkit_rt=${a.body.refreshToken}`, json: { refreshToken: b.body.refreshToken },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.setCookie).toEqual([]);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: a.body.refreshToken } })).status).toBe(200);
      expect((await http(t.url, 'POST', '/auth/refresh', { json: { refreshToken: b.body.refreshToken } })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
