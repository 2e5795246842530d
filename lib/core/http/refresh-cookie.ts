import type { ResolvedCookieOptions } from './cookie.options';
import type { CookieRequest } from './cookies';

/** A request as the router matched it: Express sets `route.path`, Fastify `routeOptions.url` (the registered pattern). */
export interface RoutedRequest extends CookieRequest {
  route?: { path?: unknown };
  routeOptions?: { url?: unknown };
}

/**
 * The path of the auth routes, from the route pattern the framework matched (global prefix + the module's
 * `routePrefix` + the handler's path, as registered), minus the handler's own `handlerSegments` segments:
 * `/api/auth` for `/api/auth/login`, whatever the request URL looked like (`/api/auth/login/`, `/API/auth/login`).
 * Only without a matched pattern (a hand-built request) is the URL used, without its trailing slash.
 */
export function authRoutesPath(request: RoutedRequest, handlerSegments = 1): string {
  const pattern = typeof request.route?.path === 'string'
    ? request.route.path
    : typeof request.routeOptions?.url === 'string' ? request.routeOptions.url : undefined;
  const source = pattern ?? (request.originalUrl ?? request.url ?? '/').split('?')[0];
  const segments = source.split('/').filter((segment) => segment !== '');
  return `/${segments.slice(0, Math.max(0, segments.length - handlerSegments)).join('/')}`;
}

function attributes(options: ResolvedCookieOptions, request: RoutedRequest, handlerSegments: number): string {
  const { cookie } = options;
  let attrs = `; Path=${cookie.path ?? authRoutesPath(request, handlerSegments)}; HttpOnly; SameSite=Strict`;
  if (cookie.secure) attrs += '; Secure';
  if (cookie.domain) attrs += `; Domain=${cookie.domain}`;
  return attrs;
}

/** The refresh cookie, set by a handler `handlerSegments` path segments below the auth prefix (default 1: `login`). */
export function refreshCookie(options: ResolvedCookieOptions, request: RoutedRequest, refreshToken: string, handlerSegments = 1): string {
  return `${options.cookie.name}=${refreshToken}${attributes(options, request, handlerSegments)}; Max-Age=${options.maxAgeSeconds}`;
}

export function clearedRefreshCookie(options: ResolvedCookieOptions, request: RoutedRequest, handlerSegments = 1): string {
  return `${options.cookie.name}=${attributes(options, request, handlerSegments)}; Max-Age=0`;
}

/**
 * Another cookie of the auth routes with the refresh cookie's attributes (Path, HttpOnly, SameSite=Strict, Secure,
 * Domain), e.g. a pending sign-in (`SignInChallenge.cookie`); `maxAgeSeconds` 0 clears it.
 */
export function authRoutesCookie(
  options: ResolvedCookieOptions, request: RoutedRequest, cookie: { name: string; value: string; maxAgeSeconds: number }, handlerSegments = 1,
): string {
  return `${cookie.name}=${cookie.value}${attributes(options, request, handlerSegments)}; Max-Age=${cookie.maxAgeSeconds}`;
}
