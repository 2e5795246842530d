import { booleanOption, failOption, oneOf, type OptionKeys, ownedObject, stringArray } from '../options/options.validation';

export type RefreshTokenTransport = 'cookie' | 'body' | 'both';

export interface RefreshCookieOptions {
  /** Cookie name. Default `authkit_rt`. When `secure`, the `__Secure-` prefix is added if the name lacks it. */
  name?: string;
  /** Default: true unless `NODE_ENV` is `development` or `test`. */
  secure?: boolean;
  /** Default: the path of the auth routes as requested (e.g. `/auth` or `/api/auth`). */
  path?: string;
  domain?: string;
}

/** The module options the HTTP layer owns: how the refresh token travels, and who may send the cookie. */
export interface HttpTransportOptions {
  /** `'cookie'` (default): an HttpOnly cookie; `'body'`: the JSON body; `'both'`. */
  refreshTokenTransport?: RefreshTokenTransport;
  cookie?: RefreshCookieOptions;
  /** Origins allowed to send cookie-borne requests (CSRF). Same-origin requests are always allowed. */
  allowedOrigins?: string[];
  /**
   * Send `Clear-Site-Data: "cookies"` on `logout` and `logout-all`. Default false: browsers apply it to EVERY
   * cookie of the registrable domain (`example.com` and all its subdomains: other apps' sessions, consent and
   * preference cookies too), and the refresh cookie is cleared by its own `Set-Cookie` anyway. Turn it on when
   * the auth routes own their domain.
   */
  clearSiteDataOnLogout?: boolean;
}

/** The HTTP transport options after defaults and validation (injected as `COOKIE_OPTIONS`). */
export interface ResolvedCookieOptions {
  refreshTokenTransport: RefreshTokenTransport;
  cookie: RefreshCookieOptions & { name: string; secure: boolean };
  allowedOrigins: string[];
  /** `Max-Age` of the refresh cookie: the sliding session lifetime. */
  maxAgeSeconds: number;
  clearSiteDataOnLogout: boolean;
}

/** Injection token of `ResolvedCookieOptions`. */
export const COOKIE_OPTIONS = Symbol('authkit:cookie-options');

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;

/**
 * The refresh cookie's name. A Secure cookie always carries the `__Secure-` prefix (added to a configured
 * name that lacks it), so browsers refuse it from plain-HTTP responses and from sibling subdomains over HTTP.
 */
function cookieName(cookie: RefreshCookieOptions | undefined, secure: boolean): string {
  const name = cookie?.name ?? 'authkit_rt';
  if (typeof name !== 'string' || !COOKIE_NAME.test(name)) failOption('cookie.name', 'must be a cookie name token of at most 64 characters');
  const prefixed = /^__(Secure|Host)-/.test(name);
  if (!secure) {
    if (prefixed) failOption('cookie.name', 'has a __Secure-/__Host- prefix, which browsers accept only on a Secure cookie (cookie.secure)');
    return name;
  }
  if (name.startsWith('__Host-') && (cookie?.path !== '/' || cookie.domain !== undefined)) {
    failOption('cookie.name', 'has the __Host- prefix, which needs cookie.path "/" and no cookie.domain');
  }
  return prefixed ? name : `__Secure-${name}`;
}

function isDevelopment(): boolean {
  return process.env.NODE_ENV === 'development' || process.env.NODE_ENV === 'test';
}

/** The top-level options the HTTP transport owns. */
export const HTTP_TRANSPORT_OPTION_KEYS: OptionKeys<HttpTransportOptions> = { refreshTokenTransport: true, cookie: true, allowedOrigins: true, clearSiteDataOnLogout: true };
const COOKIE_KEYS: OptionKeys<RefreshCookieOptions> = { name: true, secure: true, path: true, domain: true };

/** Applies defaults to the transport options and validates them; throws a `TypeError` naming the option. */
export function resolveCookieOptions(options: HttpTransportOptions, maxAgeSeconds: number): ResolvedCookieOptions {
  ownedObject(options.cookie, 'cookie', COOKIE_KEYS);
  const secure = options.cookie?.secure ?? !isDevelopment();
  return {
    refreshTokenTransport: oneOf(options.refreshTokenTransport, 'refreshTokenTransport', ['cookie', 'body', 'both'], 'cookie'),
    cookie: { ...options.cookie, secure, name: cookieName(options.cookie, secure) },
    allowedOrigins: stringArray(options.allowedOrigins, 'allowedOrigins', []),
    maxAgeSeconds,
    clearSiteDataOnLogout: booleanOption(options.clearSiteDataOnLogout, 'clearSiteDataOnLogout', false),
  };
}
