import type { ResolvedCookieOptions } from './cookie.options';
import type { CookieRequest } from './cookies';

/** The path of the auth routes as this request reached them (`/auth`, `/api/auth`...). */
export function authRoutesPath(request: CookieRequest): string {
  const pathname = (request.originalUrl ?? request.url ?? '/').split('?')[0];
  const cut = pathname.lastIndexOf('/');
  return cut > 0 ? pathname.slice(0, cut) : '/';
}

function attributes(options: ResolvedCookieOptions, request: CookieRequest): string {
  const { cookie } = options;
  let attrs = `; Path=${cookie.path ?? authRoutesPath(request)}; HttpOnly; SameSite=Strict`;
  if (cookie.secure) attrs += '; Secure';
  if (cookie.domain) attrs += `; Domain=${cookie.domain}`;
  return attrs;
}

export function refreshCookie(options: ResolvedCookieOptions, request: CookieRequest, refreshToken: string): string {
  return `${options.cookie.name}=${refreshToken}${attributes(options, request)}; Max-Age=${options.maxAgeSeconds}`;
}

export function clearedRefreshCookie(options: ResolvedCookieOptions, request: CookieRequest): string {
  return `${options.cookie.name}=${attributes(options, request)}; Max-Age=0`;
}
