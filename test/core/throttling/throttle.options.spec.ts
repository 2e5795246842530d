import { type AuthModuleOptions } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { DEFAULT_THROTTLE_RULES } from '../../../lib/core/throttling/throttle.options';
import { TEST_SECRET } from '../../support/test-app';

const base: AuthModuleOptions = { jwt: { secret: TEST_SECRET } };

describe('abuse-resistance options', () => {
  it('defaults: all three throttle scopes on; policy 8+ and common list on; password change revokes, role change does not', () => {
    const resolved = resolveAuthOptions(base);
    expect(resolved.throttle).toEqual([
      { scope: 'emailIp', ...DEFAULT_THROTTLE_RULES.emailIp },
      { scope: 'ip', ...DEFAULT_THROTTLE_RULES.ip },
      { scope: 'account', ...DEFAULT_THROTTLE_RULES.account },
    ]);
    expect(DEFAULT_THROTTLE_RULES.emailIp).toEqual({ limit: 5, windowMs: 15 * 60_000, blockMs: 60_000, maxBlockMs: 15 * 60_000 });
    expect(DEFAULT_THROTTLE_RULES.account).toMatchObject({ limit: 100, windowMs: 60 * 60_000 });
    expect(DEFAULT_THROTTLE_RULES.ip.limit).toBeGreaterThan(DEFAULT_THROTTLE_RULES.emailIp.limit);
    expect(resolved.identity.passwordPolicy).toEqual({ minLength: 8, rejectCommon: true, blocklist: [] });
    expect(resolved.identity.revokeSessionsOnPasswordChange).toBe(true);
    expect(resolved.identity.revokeSessionsOnRoleChange).toBe(false);
  });

  it('partial rules merge over the defaults; a scope can be switched off, but not all of them', () => {
    const resolved = resolveAuthOptions({ ...base, throttle: { emailIp: { limit: 10 }, ip: false } });
    expect(resolved.throttle.map((r) => r.scope)).toEqual(['emailIp', 'account']);
    expect(resolved.throttle[0]).toEqual({ ...DEFAULT_THROTTLE_RULES.emailIp, scope: 'emailIp', limit: 10 });
    expect(() => resolveAuthOptions({ ...base, throttle: { emailIp: false, ip: false, account: false } })).toThrow(/at least one scope/);
  });

  it.each([
    [{ throttle: { emailIp: { limit: 0 } } }, /throttle.emailIp.limit/],
    [{ throttle: { ip: { windowMs: 1.5 } } }, /throttle.ip.windowMs/],
    [{ throttle: { account: { blockMs: -1 } } }, /throttle.account.blockMs/],
    [{ throttle: { emailIp: { blockMs: 1000, maxBlockMs: 10 } } }, /maxBlockMs/],
    [{ throttle: { emailIp: 'strict' } }, /throttle.emailIp/],
    [{ throttle: [] }, /"throttle"/],
    [{ revokeSessionsOnPasswordChange: 'yes' }, /revokeSessionsOnPasswordChange/],
    [{ revokeSessionsOnRoleChange: 1 }, /revokeSessionsOnRoleChange/],
    [{ passwordPolicy: { minLength: 4 } }, /passwordPolicy.minLength/],
  ])('refuses %j at start-up with a TypeError naming the option', (bad, message) => {
    expect(() => resolveAuthOptions({ ...base, ...(bad as Partial<AuthModuleOptions>) })).toThrow(TypeError);
    expect(() => resolveAuthOptions({ ...base, ...(bad as Partial<AuthModuleOptions>) })).toThrow(message);
  });
});
