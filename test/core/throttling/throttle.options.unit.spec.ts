import {
  DEFAULT_THROTTLE_RULES, KERNEL_ROUTE_LIMITS, rejectUnknownThrottleKeys, resolveRouteLimits, resolveThrottleRules, THROTTLE_OPTION_KEYS, type ThrottleOptions,
} from '../../../lib/core/throttling/throttle.options';

/** The throttle option resolvers on their own: login rules, route limits, unknown keys, and the defaults they keep. */
const message = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
  throw new Error('expected a TypeError');
};
const opts = (value: unknown) => value as ThrottleOptions;
const MIN = 60_000;

describe('throttle options (unit)', () => {
  it('default login rules and kernel route limits are the documented ones', () => {
    expect(DEFAULT_THROTTLE_RULES).toEqual({
      emailIp: { limit: 5, windowMs: 15 * MIN, blockMs: MIN, maxBlockMs: 15 * MIN },
      ip: { limit: 100, windowMs: 15 * MIN, blockMs: 15 * MIN, maxBlockMs: 60 * MIN },
      account: { limit: 100, windowMs: 60 * MIN, blockMs: 15 * MIN, maxBlockMs: 60 * MIN },
    });
    expect(KERNEL_ROUTE_LIMITS).toEqual({ register: { ip: { limit: 20, windowMs: 60 * MIN }, email: { limit: 5, windowMs: 60 * MIN } } });
    expect(THROTTLE_OPTION_KEYS).toEqual({ throttle: true });
  });

  describe('resolveThrottleRules', () => {
    it('all three scopes with their defaults when absent or empty', () => {
      const all = [
        { scope: 'emailIp', ...DEFAULT_THROTTLE_RULES.emailIp },
        { scope: 'ip', ...DEFAULT_THROTTLE_RULES.ip },
        { scope: 'account', ...DEFAULT_THROTTLE_RULES.account },
      ];
      expect(resolveThrottleRules(undefined)).toEqual(all);
      expect(resolveThrottleRules({})).toEqual(all);
      expect(resolveThrottleRules({ register: { ip: false } })).toEqual(all);
    });

    it('merges every field of a partial rule over its default; false switches a scope off', () => {
      expect(resolveThrottleRules({ account: { limit: 7, windowMs: 8, blockMs: 9, maxBlockMs: 9 }, emailIp: false })).toEqual([
        { scope: 'ip', ...DEFAULT_THROTTLE_RULES.ip },
        { scope: 'account', limit: 7, windowMs: 8, blockMs: 9, maxBlockMs: 9 },
      ]);
      expect(resolveThrottleRules({ emailIp: false, ip: false })).toEqual([{ scope: 'account', ...DEFAULT_THROTTLE_RULES.account }]);
    });

    it('refuses a throttle that is not an object, naming it', () => {
      for (const bad of [null, [], 'x', 5]) expect(message(() => resolveThrottleRules(opts(bad)))).toBe('nestjs-authkit: option "throttle" must be an object');
    });

    it('refuses a scope that is neither an object nor false', () => {
      for (const bad of [null, true, 'strict', 3, []]) {
        expect(message(() => resolveThrottleRules(opts({ ip: bad })))).toBe('nestjs-authkit: option "throttle.ip" must be an object or false');
      }
    });

    it('refuses each bad field with its path, and maxBlockMs below blockMs (equal is fine)', () => {
      for (const field of ['limit', 'windowMs', 'blockMs', 'maxBlockMs']) {
        expect(message(() => resolveThrottleRules(opts({ account: { [field]: 0 } })))).toBe(
          `nestjs-authkit: option "throttle.account.${field}" must be a positive integer (got 0)`,
        );
      }
      expect(message(() => resolveThrottleRules({ emailIp: { blockMs: 1000, maxBlockMs: 999 } }))).toBe(
        'nestjs-authkit: option "throttle.emailIp.maxBlockMs" must be at least blockMs',
      );
      expect(resolveThrottleRules({ emailIp: { blockMs: 1000, maxBlockMs: 1000 } })[0]).toMatchObject({ blockMs: 1000, maxBlockMs: 1000 });
    });

    it('refuses switching every scope off', () => {
      expect(message(() => resolveThrottleRules({ emailIp: false, ip: false, account: false }))).toBe(
        'nestjs-authkit: option "throttle" must keep at least one scope on (login throttling cannot be switched off)',
      );
    });
  });

  describe('resolveRouteLimits', () => {
    const declared = { register: KERNEL_ROUTE_LIMITS.register, oauthStart: { ip: { limit: 30, windowMs: 5 * MIN } } };

    it('the declared defaults when absent (the kernel routes when nothing is declared)', () => {
      expect(resolveRouteLimits(undefined)).toEqual(KERNEL_ROUTE_LIMITS);
      expect(resolveRouteLimits(undefined, declared)).toEqual(declared);
      expect(resolveRouteLimits({ emailIp: { limit: 1 } }, declared)).toEqual(declared);
    });

    it('merges partial counters over their defaults; false switches a counter off', () => {
      expect(resolveRouteLimits(opts({ register: { ip: { limit: 100 }, email: false }, oauthStart: { ip: { windowMs: 1000 } } }), declared)).toEqual({
        register: { ip: { limit: 100, windowMs: 60 * MIN } },
        oauthStart: { ip: { limit: 30, windowMs: 1000 } },
      });
    });

    it('refuses a route that is not an object, a counter that is neither an object nor false, and bad numbers', () => {
      for (const bad of [null, [], 'x', 1]) {
        expect(message(() => resolveRouteLimits(opts({ register: bad }), declared))).toBe('nestjs-authkit: option "throttle.register" must be an object');
      }
      for (const bad of [null, true, 'x', 1, []]) {
        expect(message(() => resolveRouteLimits(opts({ register: { email: bad } }), declared))).toBe(
          'nestjs-authkit: option "throttle.register.email" must be an object or false',
        );
      }
      expect(message(() => resolveRouteLimits(opts({ register: { ip: { limit: 0 } } }), declared))).toBe(
        'nestjs-authkit: option "throttle.register.ip.limit" must be a positive integer (got 0)',
      );
      expect(message(() => resolveRouteLimits(opts({ oauthStart: { ip: { windowMs: -5 } } }), declared))).toBe(
        'nestjs-authkit: option "throttle.oauthStart.ip.windowMs" must be a positive integer (got -5)',
      );
    });

    it('refuses unknown counters and unknown keys of a counter, with their full path', () => {
      expect(message(() => resolveRouteLimits(opts({ register: { phone: { limit: 1 } } }), declared))).toBe(
        'nestjs-authkit: option "throttle.register.phone" is not an option of nestjs-authkit (a typo?)',
      );
      expect(message(() => resolveRouteLimits(opts({ oauthStart: { email: false } }), declared))).toBe(
        'nestjs-authkit: option "throttle.oauthStart.email" is not an option of nestjs-authkit (a typo?)',
      );
      expect(message(() => resolveRouteLimits(opts({ register: { ip: { limit: 1, blockMs: 5 } } }), declared))).toBe(
        'nestjs-authkit: option "throttle.register.ip.blockMs" is not an option of nestjs-authkit (a typo?)',
      );
    });
  });

  describe('rejectUnknownThrottleKeys', () => {
    const declared = { register: KERNEL_ROUTE_LIMITS.register, oauthStart: { ip: { limit: 30, windowMs: 5 * MIN } } };

    it('accepts the login scopes and every declared route', () => {
      expect(() => rejectUnknownThrottleKeys(undefined, declared)).not.toThrow();
      expect(() => rejectUnknownThrottleKeys(opts({ emailIp: { limit: 1, windowMs: 1, blockMs: 1, maxBlockMs: 1 }, ip: false, account: {}, register: {}, oauthStart: {} }), declared)).not.toThrow();
    });

    it('refuses a route nobody declared, and a key of a login rule that is not one', () => {
      expect(message(() => rejectUnknownThrottleKeys(opts({ oauthStart: {} }), { register: KERNEL_ROUTE_LIMITS.register }))).toBe(
        'nestjs-authkit: option "throttle.oauthStart" is not an option of nestjs-authkit (a typo?)',
      );
      expect(message(() => rejectUnknownThrottleKeys(opts({ emailip: {} }), declared))).toBe(
        'nestjs-authkit: option "throttle.emailip" is not an option of nestjs-authkit (a typo?)',
      );
      for (const scope of ['emailIp', 'ip', 'account']) {
        expect(message(() => rejectUnknownThrottleKeys(opts({ [scope]: { limit: 1, block: 5 } }), declared))).toBe(
          `nestjs-authkit: option "throttle.${scope}.block" is not an option of nestjs-authkit (a typo?)`,
        );
      }
    });
  });
});
