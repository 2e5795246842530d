import type { ScopedThrottleRule, ThrottleRule, ThrottleScope } from '../ports/login-throttler.interface';
import { THROTTLE_SCOPES } from '../ports/login-throttler.interface';
import type { RateLimit } from '../ports/route-throttle.interface';
import { failOption as fail, positiveInteger } from '../options/options.validation';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Default limits of the throttled public routes other than login, per route and per counter (a fixed window
 * each; a request is charged to every counter of its route, or refused by the first full one):
 * - `register`: 20 per ip per hour, 5 per email per hour (counted whether or not the email is taken);
 * - `oauthStart` (`GET /auth/:provider`, `/link` too): 30 per ip per 10 min (each start stores ~400 B of
 *   state for the state TTL);
 * - `passwordForgot` (`POST /auth/password/forgot`) and `emailVerification` (`POST /auth/email/verify/request`):
 *   20 per ip and 3 per email (or per user, with an access token) per 15 min, counted whether or not the
 *   email has an account;
 * - `passwordReset` (`POST /auth/password/reset`) and `emailVerify` (`POST /auth/email/verify`): 20 per ip and
 *   10 per user id (the one the presented token names) per 15 min, charged before the token is checked, so a
 *   flood of forged tokens gets 429s instead of queueing work (a valid link needs one request).
 * Ips are keyed by `clientIpKey` (IPv4, IPv4-mapped IPv6 as IPv4, other IPv6 by /64).
 */
export const DEFAULT_ROUTE_LIMITS = {
  register: { ip: { limit: 20, windowMs: HOUR_MS }, email: { limit: 5, windowMs: HOUR_MS } },
  oauthStart: { ip: { limit: 30, windowMs: 10 * MINUTE_MS } },
  passwordForgot: { ip: { limit: 20, windowMs: 15 * MINUTE_MS }, email: { limit: 3, windowMs: 15 * MINUTE_MS } },
  emailVerification: { ip: { limit: 20, windowMs: 15 * MINUTE_MS }, email: { limit: 3, windowMs: 15 * MINUTE_MS } },
  passwordReset: { ip: { limit: 20, windowMs: 15 * MINUTE_MS }, user: { limit: 10, windowMs: 15 * MINUTE_MS } },
  emailVerify: { ip: { limit: 20, windowMs: 15 * MINUTE_MS }, user: { limit: 10, windowMs: 15 * MINUTE_MS } },
} as const satisfies Record<string, Record<string, RateLimit>>;

/** A throttled route other than login. */
export type ThrottledRoute = keyof typeof DEFAULT_ROUTE_LIMITS;

/** The counters of a route (`ip`, `email`...). */
export type RouteCounter<R extends ThrottledRoute> = keyof (typeof DEFAULT_ROUTE_LIMITS)[R];

/** Each counter of each route: a partial limit merged over its default, or `false` to switch it off. */
export type RouteLimitOptions = { [R in ThrottledRoute]?: { [C in RouteCounter<R>]?: Partial<RateLimit> | false } };

/** The route limits after defaults and validation (injected as `ROUTE_LIMITS`); a counter switched off is absent. */
export type ResolvedRouteLimits = { [R in ThrottledRoute]: { [C in RouteCounter<R>]?: RateLimit } };

/**
 * Default rules:
 * - `emailIp`: 5 failures in 15 min -> blocked 1 min, doubling per further failure up to 15 min;
 * - `ip`: 100 failures in 15 min -> blocked 15 min, doubling up to 1 h;
 * - `account`: 100 failures in 1 h -> blocked 15 min, doubling up to 1 h.
 */
export const DEFAULT_THROTTLE_RULES: Readonly<Record<ThrottleScope, Readonly<ThrottleRule>>> = {
  emailIp: { limit: 5, windowMs: 15 * MINUTE_MS, blockMs: MINUTE_MS, maxBlockMs: 15 * MINUTE_MS },
  ip: { limit: 100, windowMs: 15 * MINUTE_MS, blockMs: 15 * MINUTE_MS, maxBlockMs: 60 * MINUTE_MS },
  account: { limit: 100, windowMs: 60 * MINUTE_MS, blockMs: 15 * MINUTE_MS, maxBlockMs: 60 * MINUTE_MS },
};

/**
 * Throttling (`throttle` option). Login: each scope takes a partial rule merged over its default, or
 * `false` to switch that scope off (at least one scope must stay on).
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ jwt, redis, throttle: { emailIp: { limit: 10 }, ip: { limit: 500 }, register: { ip: { limit: 100 } } } })
 * ```
 */
export interface ThrottleOptions extends RouteLimitOptions {
  emailIp?: Partial<ThrottleRule> | false;
  ip?: Partial<ThrottleRule> | false;
  account?: Partial<ThrottleRule> | false;
}

/** Applies defaults to the `throttle` option and validates it; throws a `TypeError` naming the bad option. */
export function resolveThrottleRules(options: ThrottleOptions | undefined): ScopedThrottleRule[] {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    fail('throttle', 'must be an object');
  }
  const rules: ScopedThrottleRule[] = [];
  for (const scope of THROTTLE_SCOPES) {
    const given = options?.[scope];
    if (given === false) continue;
    if (given !== undefined && (given === null || typeof given !== 'object')) fail(`throttle.${scope}`, 'must be an object or false');
    const merged = { ...DEFAULT_THROTTLE_RULES[scope], ...given };
    const rule: ScopedThrottleRule = {
      scope,
      limit: positiveInteger(merged.limit, `throttle.${scope}.limit`),
      windowMs: positiveInteger(merged.windowMs, `throttle.${scope}.windowMs`),
      blockMs: positiveInteger(merged.blockMs, `throttle.${scope}.blockMs`),
      maxBlockMs: positiveInteger(merged.maxBlockMs, `throttle.${scope}.maxBlockMs`),
    };
    if (rule.maxBlockMs < rule.blockMs) fail(`throttle.${scope}.maxBlockMs`, 'must be at least blockMs');
    rules.push(rule);
  }
  if (rules.length === 0) fail('throttle', 'must keep at least one scope on (login throttling cannot be switched off)');
  return rules;
}

/** Injection token of the resolved login throttling rules (`ScopedThrottleRule[]`). */
export const THROTTLE_RULES = Symbol('authkit:throttle-rules');

/** Applies defaults to the route limits of the `throttle` option and validates them; throws a `TypeError` naming the bad option. */
export function resolveRouteLimits(options: ThrottleOptions | undefined): ResolvedRouteLimits {
  const resolved: Record<string, Record<string, RateLimit>> = {};
  for (const [route, counters] of Object.entries(DEFAULT_ROUTE_LIMITS) as Array<[string, Record<string, RateLimit>]>) {
    const given = (options as Record<string, unknown> | undefined)?.[route];
    if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) fail(`throttle.${route}`, 'must be an object');
    resolved[route] = {};
    for (const name of Object.keys(given ?? {})) {
      if (!(name in counters)) fail(`throttle.${route}.${name}`, `is not a counter of this route (${Object.keys(counters).join(', ')})`);
    }
    for (const [name, fallback] of Object.entries(counters)) {
      const value = (given as Record<string, unknown> | undefined)?.[name];
      if (value === false) continue;
      if (value !== undefined && (value === null || typeof value !== 'object')) fail(`throttle.${route}.${name}`, 'must be an object or false');
      const merged = { ...fallback, ...(value as Partial<RateLimit> | undefined) };
      resolved[route][name] = {
        limit: positiveInteger(merged.limit, `throttle.${route}.${name}.limit`),
        windowMs: positiveInteger(merged.windowMs, `throttle.${route}.${name}.windowMs`),
      };
    }
  }
  return resolved as ResolvedRouteLimits;
}

/** Injection token of the resolved route limits (`ResolvedRouteLimits`). */
export const ROUTE_LIMITS = Symbol('authkit:route-limits');
