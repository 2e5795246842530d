import type { ResolvedAuthOptions } from '../auth.options';

/** The request fields cookie handling reads. */
export interface CookieRequest {
  headers: Record<string, string | string[] | undefined>;
  originalUrl?: string;
  url?: string;
}

/** Reads one cookie from the `Cookie` header (no cookie-parser needed). */
export function readCookie(request: CookieRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.length ? value : undefined;
    }
  }
  return undefined;
}

/** The path of the auth routes as this request reached them (`/auth`, `/api/auth`...). */
export function authRoutesPath(request: CookieRequest): string {
  const pathname = (request.originalUrl ?? request.url ?? '/').split('?')[0];
  const cut = pathname.lastIndexOf('/');
  return cut > 0 ? pathname.slice(0, cut) : '/';
}

function attributes(options: ResolvedAuthOptions, request: CookieRequest): string {
  const { cookie } = options;
  let attrs = `; Path=${cookie.path ?? authRoutesPath(request)}; HttpOnly; SameSite=Strict`;
  if (cookie.secure) attrs += '; Secure';
  if (cookie.domain) attrs += `; Domain=${cookie.domain}`;
  return attrs;
}

export function refreshCookie(options: ResolvedAuthOptions, request: CookieRequest, refreshToken: string): string {
  return `${options.cookie.name}=${refreshToken}${attributes(options, request)}; Max-Age=${options.refreshTokenTtlSeconds}`;
}

export function clearedRefreshCookie(options: ResolvedAuthOptions, request: CookieRequest): string {
  return `${options.cookie.name}=${attributes(options, request)}; Max-Age=0`;
}

/**
 * CSRF defence for cookie-borne requests: refused when the browser says the request is
 * cross-site, or when it carries an `Origin` that is neither this host nor allowed.
 */
export function isCrossSite(request: CookieRequest, allowedOrigins: readonly string[]): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') return true;
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === '') return false;
  if (allowedOrigins.includes(origin)) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}
