import { createHash } from 'node:crypto';
import type { ResolvedCookieOptions } from '../../core/http/cookie.options';
import { type CookieRequest, readCookie } from '../../core/http/cookies';
import type { RoutedRequest } from '../../core/http/refresh-cookie';

/**
 * Name of the state-binding cookie of one pending authorization: `authkit_oauth_<provider>_<tag>`, the tag
 * being 64 bits of the state's SHA-256 (`__Secure-` prefixed when the cookies are Secure). One cookie per
 * authorization, so sign-ins started in two tabs at once do not overwrite each other's binding.
 */
export function oauthStateCookieName(options: ResolvedCookieOptions, provider: string, state: string): string {
  const tag = createHash('sha256').update(state).digest('base64url').slice(0, 11);
  return `${oauthStateCookiePrefix(options, provider)}${tag}`;
}

function oauthStateCookiePrefix(options: ResolvedCookieOptions, provider: string): string {
  return `${options.cookie.secure ? '__Secure-' : ''}authkit_oauth_${provider}_`;
}

/** Pending authorizations one browser may hold per provider; a further start abandons the earlier ones. */
export const MAX_PENDING_OAUTH_PER_BROWSER = 5;

/** Names of the state-binding cookies of `provider` this request carries (its pending authorizations). */
export function pendingOAuthStateCookieNames(options: ResolvedCookieOptions, request: CookieRequest, provider: string): string[] {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return [];
  const prefix = oauthStateCookiePrefix(options, provider);
  const names = new Set<string>();
  for (const part of header.split(';')) {
    const name = part.slice(0, Math.max(0, part.indexOf('='))).trim();
    if (name.startsWith(prefix) && name.length === prefix.length + 11) names.add(name);
  }
  return [...names];
}

/** Deletes a state-binding cookie by name. */
export function clearedOAuthStateCookieNamed(options: ResolvedCookieOptions, request: CookieRequest, provider: string, name: string): string {
  return `${name}=${attributes(options, request, provider)}; Max-Age=0`;
}

/**
 * The path of the auth routes, from the route pattern the framework matched (`/auth/:provider/callback`,
 * `/auth/google/link` -> `/auth`; `''` at the root), like the refresh cookie's Path: the same whatever the request
 * URL looked like (`/AUTH/google`, `/auth/google/`). Only without a matched pattern (a hand-built request) is the
 * URL used.
 */
export function oauthRoutesBase(request: RoutedRequest, provider: string): string {
  const pattern = typeof request.route?.path === 'string'
    ? request.route.path
    : typeof request.routeOptions?.url === 'string' ? request.routeOptions.url : undefined;
  if (pattern === undefined) {
    const pathname = (request.originalUrl ?? request.url ?? '/').split('?')[0];
    const cut = pathname.lastIndexOf(`/${provider}`);
    return cut > 0 ? pathname.slice(0, cut) : '';
  }
  const segments = pattern.split('/').filter((segment) => segment !== '');
  while (segments.length > 0 && ['callback', 'link'].includes(segments[segments.length - 1])) segments.pop();
  segments.pop(); // the provider (`google`, or `:provider`)
  return segments.length > 0 ? `/${segments.join('/')}` : '';
}

function attributes(options: ResolvedCookieOptions, request: CookieRequest, provider: string): string {
  // SameSite=Lax, not Strict: the callback is a cross-site top-level navigation from the provider.
  let attrs = `; Path=${oauthRoutesBase(request, provider)}/${provider}; HttpOnly; SameSite=Lax`;
  if (options.cookie.secure) attrs += '; Secure';
  return attrs;
}

/** The short-lived cookie that binds a pending authorization to this browser. */
export function oauthStateCookie(
  options: ResolvedCookieOptions, request: CookieRequest, provider: string, state: string, bindingSecret: string, ttlSeconds: number,
): string {
  return `${oauthStateCookieName(options, provider, state)}=${bindingSecret}${attributes(options, request, provider)}; Max-Age=${ttlSeconds}`;
}

export function clearedOAuthStateCookie(options: ResolvedCookieOptions, request: CookieRequest, provider: string, state: string): string {
  return `${oauthStateCookieName(options, provider, state)}=${attributes(options, request, provider)}; Max-Age=0`;
}

export function readOAuthStateCookie(
  options: ResolvedCookieOptions, request: CookieRequest, provider: string, state: string,
): string | undefined {
  return readCookie(request, oauthStateCookieName(options, provider, state));
}
