import type { ScopedThrottleRule, ThrottleRule, ThrottleScope } from './login-throttler.interface';
import { THROTTLE_SCOPES } from './login-throttler.interface';
import { failOption as fail, positiveInteger } from '../options.validation';

const MINUTE_MS = 60_000;

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
 * Login throttling (`throttle` option). Each scope takes a partial rule merged over its default, or
 * `false` to switch that scope off (at least one scope must stay on).
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ jwt, redis, throttle: { emailIp: { limit: 10 }, ip: { limit: 500 } } })
 * ```
 */
export interface ThrottleOptions {
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
