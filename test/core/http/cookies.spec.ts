import { isCrossSite, readCookie } from '../../../lib/core/http/cookies';
import { authRoutesPath, clearedRefreshCookie, refreshCookie } from '../../../lib/core/http/refresh-cookie';
import type { ResolvedCookieOptions } from '../../../lib/core/http/cookie.options';

/** The cookie helpers on their own: reading the refresh cookie, the CSRF check, and the Set-Cookie values. */
describe('readCookie', () => {
  const read = (cookie: unknown, name = 'rt') => readCookie({ headers: { cookie: cookie as string } }, name);

  it('finds the named cookie among others, trimmed, and only that exact name', () => {
    expect(read('rt=abc')).toBe('abc');
    expect(read('a=1; rt=abc; b=2')).toBe('abc');
    expect(read('a=1;rt=abc ;b=2')).toBe('abc');
    expect(read('  rt  =  abc  ')).toBe('abc');
    expect(read('xrt=1; rtx=2; rt=3')).toBe('3');
    expect(read('a=1', 'rt')).toBeUndefined();
    // The value may contain '=': only the first one separates name and value.
    expect(read('rt=a.b=c')).toBe('a.b=c');
  });

  it('the first of duplicates wins; parts without "=" are skipped', () => {
    expect(read('rt=first; rt=second')).toBe('first');
    expect(read('rt; rt=value')).toBe('value');
    expect(read('junk; rt=value')).toBe('value');
    // A part without '=' is no cookie, even one whose name minus its last character is the one asked for.
    expect(read('rtx; rt=value')).toBe('value');
  });

  it('an empty value, or no Cookie header at all, is no cookie', () => {
    expect(read('rt=')).toBeUndefined();
    expect(read('rt=   ; other=1')).toBeUndefined();
    expect(read(undefined)).toBeUndefined();
    expect(read(['rt=abc'])).toBeUndefined();
    expect(read('')).toBeUndefined();
  });
});

describe('isCrossSite (CSRF defence of cookie-borne requests)', () => {
  const check = (headers: Record<string, string | undefined>, allowed: string[] = []) => isCrossSite({ headers }, allowed);

  it('refuses what the browser marks cross-site, whatever the Origin', () => {
    expect(check({ 'sec-fetch-site': 'cross-site' })).toBe(true);
    expect(check({ 'sec-fetch-site': 'cross-site', origin: 'https://app.example', host: 'app.example' })).toBe(true);
    expect(check({ 'sec-fetch-site': 'cross-site', origin: 'https://app.example' }, ['https://app.example'])).toBe(true);
  });

  it('accepts same-site and same-origin fetches without an Origin, and requests without either header', () => {
    expect(check({ 'sec-fetch-site': 'same-origin' })).toBe(false);
    expect(check({ 'sec-fetch-site': 'same-site' })).toBe(false);
    expect(check({ 'sec-fetch-site': 'none' })).toBe(false);
    expect(check({})).toBe(false);
    expect(check({ origin: '' })).toBe(false);
  });

  it('accepts an Origin of this host or an allowed one, refuses any other', () => {
    expect(check({ origin: 'https://api.example', host: 'api.example' })).toBe(false);
    expect(check({ origin: 'http://localhost:3000', host: 'localhost:3000' })).toBe(false);
    expect(check({ origin: 'https://evil.example', host: 'api.example' })).toBe(true);
    expect(check({ origin: 'https://api.example:8443', host: 'api.example' })).toBe(true);
    expect(check({ origin: 'https://api.example', host: 'api.example:8443' })).toBe(true);
    expect(check({ origin: 'https://app.example', host: 'api.example' }, ['https://app.example'])).toBe(false);
    expect(check({ origin: 'https://app.example.evil', host: 'api.example' }, ['https://app.example'])).toBe(true);
    expect(check({ origin: 'https://evil.example' })).toBe(true);
  });

  it('refuses an Origin that is not a URL (e.g. the "null" of a sandboxed frame)', () => {
    expect(check({ origin: 'null', host: 'api.example' })).toBe(true);
    expect(check({ origin: 'not a url', host: 'api.example' })).toBe(true);
  });
});

describe('the refresh cookie', () => {
  const options = (cookie: Partial<ResolvedCookieOptions['cookie']> = {}): ResolvedCookieOptions => ({
    refreshTokenTransport: 'cookie',
    cookie: { name: 'rt', secure: true, ...cookie },
    allowedOrigins: [],
    maxAgeSeconds: 1209600,
    clearSiteDataOnLogout: false,
  });

  it('authRoutesPath: the matched pattern (Express route.path, then Fastify routeOptions.url) minus the handler segments', () => {
    expect(authRoutesPath({ headers: {}, route: { path: '/api/auth/login' }, url: '/x/y' })).toBe('/api/auth');
    expect(authRoutesPath({ headers: {}, routeOptions: { url: '/auth/login' }, url: '/x/y' })).toBe('/auth');
    expect(authRoutesPath({ headers: {}, route: { path: '/api/auth/login' }, routeOptions: { url: '/other/login' } })).toBe('/api/auth');
    expect(authRoutesPath({ headers: {}, route: { path: 42 }, routeOptions: { url: '/fastify/auth/login' } })).toBe('/fastify/auth');
    expect(authRoutesPath({ headers: {}, routeOptions: { url: 42 }, originalUrl: '/orig/auth/login', url: '/other' })).toBe('/orig/auth');
    expect(authRoutesPath({ headers: {}, route: { path: '/api/auth/oauth/:provider/callback' } }, 3)).toBe('/api/auth');
    expect(authRoutesPath({ headers: {}, route: { path: '/login' } })).toBe('/');
    expect(authRoutesPath({ headers: {}, route: { path: '/login' } }, 5)).toBe('/');
  });

  it('authRoutesPath without a matched pattern: the URL (originalUrl first) without its query or trailing slash', () => {
    expect(authRoutesPath({ headers: {}, originalUrl: '/api/auth/login/?next=/a/b', url: '/login' })).toBe('/api/auth');
    expect(authRoutesPath({ headers: {}, url: '/auth/refresh?x=1' })).toBe('/auth');
    expect(authRoutesPath({ headers: {} })).toBe('/');
    expect(authRoutesPath({ headers: {}, url: '//auth//login' })).toBe('/auth');
  });

  it('refreshCookie: HttpOnly, SameSite=Strict, Secure when configured, Path of the auth routes, Domain when set, Max-Age', () => {
    const request = { headers: {}, route: { path: '/api/auth/login' } };
    expect(refreshCookie(options(), request, 'TOKEN')).toBe('rt=TOKEN; Path=/api/auth; HttpOnly; SameSite=Strict; Secure; Max-Age=1209600');
    expect(refreshCookie(options({ secure: false, domain: 'example.com' }), request, 'T')).toBe(
      'rt=T; Path=/api/auth; HttpOnly; SameSite=Strict; Domain=example.com; Max-Age=1209600',
    );
    expect(refreshCookie(options({ path: '/custom' }), request, 'T')).toBe('rt=T; Path=/custom; HttpOnly; SameSite=Strict; Secure; Max-Age=1209600');
    expect(refreshCookie(options(), { headers: {}, route: { path: '/api/auth/oauth/google/callback' } }, 'T', 3)).toBe(
      'rt=T; Path=/api/auth; HttpOnly; SameSite=Strict; Secure; Max-Age=1209600',
    );
  });

  it('clearedRefreshCookie: the same attributes, an empty value and Max-Age=0 (so the browser deletes that cookie)', () => {
    const request = { headers: {}, route: { path: '/api/auth/logout' } };
    expect(clearedRefreshCookie(options({ domain: 'example.com' }), request)).toBe('rt=; Path=/api/auth; HttpOnly; SameSite=Strict; Secure; Domain=example.com; Max-Age=0');
    expect(clearedRefreshCookie(options(), { headers: {}, route: { path: '/api/auth/sessions/revoke-all' } }, 2)).toBe(
      'rt=; Path=/api/auth; HttpOnly; SameSite=Strict; Secure; Max-Age=0',
    );
  });
});
