import type { ScopedThrottleRule, ThrottleRule, ThrottleScope } from '../ports/login-throttler.interface';
import { THROTTLE_SCOPES } from '../ports/login-throttler.interface';
import type { RateLimit } from '../ports/route-throttle.interface';
import { failOption as fail, type OptionKeys, positiveInteger, rejectUnknownKeys } from '../options/options.validation';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** A route's counters (`ip`, `email`...), each a partial limit merged over its default, or `false` to switch it off. */
export type RouteCounterOptions<C extends string> = { [K in C]?: Partial<RateLimit> | false };

/**
 * The route limits under `throttle`, one per throttled public route other than login. Open: the kernel declares
 * `register` here and each feature adds its routes by declaration merging, next to its defaults
 * (`RouteLimitDeclarations`), e.g. `oauthStart` (oauth), `passwordForgot` and `emailVerification` (recovery):
 *
 * ```ts
 * declare module '../../core/throttling/throttle.options' {
 *   interface RouteLimitOptions { oauthStart?: RouteCounterOptions<'ip'> }
 * }
 * ```
 */
export interface RouteLimitOptions {
  /** `POST /auth/register`: 20 per ip per hour, 5 per email per hour (counted whether or not the email is taken). */
  register?: RouteCounterOptions<'ip' | 'email'>;
}

/** A throttled route other than login: any declared one. */
export type ThrottledRoute = keyof RouteLimitOptions & string;

/** The counters of a route (`ip`, `email`...). */
export type RouteCounter<R extends ThrottledRoute> = keyof NonNullable<RouteLimitOptions[R]> & string;

/**
 * Default limits of throttled routes, by route and counter (a fixed window each; a request is charged to every
 * counter of its route, or refused by the first full one). The kernel and each feature declare their own (an
 * `AuthFeature`'s `routeLimits`); ips are keyed by `clientIpKey` (IPv4, IPv4-mapped IPv6 as IPv4, other IPv6 by /64).
 */
export type RouteLimitDeclarations = Readonly<Record<string, Readonly<Record<string, RateLimit>>>>;

/** The route limits after defaults and validation (injected as `ROUTE_LIMITS`); a counter switched off is absent. */
export type ResolvedRouteLimits = Readonly<Record<string, Readonly<Record<string, RateLimit>>>>;

/** The kernel's route limits (registration is in the kernel's sign-in today). */
export const KERNEL_ROUTE_LIMITS = {
  register: { ip: { limit: 20, windowMs: HOUR_MS }, email: { limit: 5, windowMs: HOUR_MS } },
} as const satisfies RouteLimitDeclarations;

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

/** The top-level option the throttles own. */
export const THROTTLE_OPTION_KEYS: OptionKeys<{ throttle?: ThrottleOptions }> = { throttle: true };
const RULE_KEYS: OptionKeys<ThrottleRule> = { limit: true, windowMs: true, blockMs: true, maxBlockMs: true };
const RATE_LIMIT_KEYS: OptionKeys<RateLimit> = { limit: true, windowMs: true };

/**
 * Refuses a key of `throttle` that is neither a login scope nor a declared route, and a key of a login rule that
 * is not one; throws a `TypeError` naming it.
 */
export function rejectUnknownThrottleKeys(options: ThrottleOptions | undefined, declared: RouteLimitDeclarations): void {
  const known: Record<string, true> = {};
  for (const key of [...THROTTLE_SCOPES, ...Object.keys(declared)]) known[key] = true;
  rejectUnknownKeys(options, 'throttle', known);
  for (const scope of THROTTLE_SCOPES) rejectUnknownKeys(options?.[scope], `throttle.${scope}`, RULE_KEYS);
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
    if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) fail(`throttle.${scope}`, 'must be an object or false');
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

/**
 * Applies defaults to the route limits of the `throttle` option (for the routes `declared`: the kernel's and its
 * features') and validates them; throws a `TypeError` naming the bad option.
 */
export function resolveRouteLimits(options: ThrottleOptions | undefined, declared: RouteLimitDeclarations = KERNEL_ROUTE_LIMITS): ResolvedRouteLimits {
  const resolved: Record<string, Record<string, RateLimit>> = {};
  for (const [route, counters] of Object.entries(declared)) {
    const given = (options as Record<string, unknown> | undefined)?.[route];
    if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) fail(`throttle.${route}`, 'must be an object');
    const known: Record<string, true> = {};
    for (const name of Object.keys(counters)) known[name] = true;
    rejectUnknownKeys(given, `throttle.${route}`, known);
    resolved[route] = {};
    for (const [name, fallback] of Object.entries(counters)) {
      const value = (given as Record<string, unknown> | undefined)?.[name];
      if (value === false) continue;
      if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) fail(`throttle.${route}.${name}`, 'must be an object or false');
      rejectUnknownKeys(value, `throttle.${route}.${name}`, RATE_LIMIT_KEYS);
      const merged = { ...fallback, ...(value as Partial<RateLimit> | undefined) };
      resolved[route][name] = {
        limit: positiveInteger(merged.limit, `throttle.${route}.${name}.limit`),
        windowMs: positiveInteger(merged.windowMs, `throttle.${route}.${name}.windowMs`),
      };
    }
  }
  return resolved;
}

/** Injection token of the resolved route limits (`ResolvedRouteLimits`). */
export const ROUTE_LIMITS = Symbol('authkit:route-limits');
