import 'reflect-metadata';
import { type ExecutionContext, HttpException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RecentAuthGuard, RequireRecentAuth, type SecondFactors } from '../../../lib';

class Routes {
  open(): void {}
  @RequireRecentAuth()
  byDefault(): void {}
  @RequireRecentAuth({ maxAgeSeconds: 60 })
  minute(): void {}
  @RequireRecentAuth({ maxAgeSeconds: 60, secondFactor: true })
  withSecondFactor(): void {}
}

type User = { id: string; roles: string[]; amr?: string[]; authTime?: number };

function contextFor(handler: keyof Routes, user?: User): ExecutionContext {
  const res = { setHeader: () => undefined };
  return new ExecutionContextHost([{ headers: {}, user }, res, () => undefined], Routes as never, Routes.prototype[handler]);
}

/** Second factors where only `enrolledIds` have one. */
function factors(enrolledIds: string[]): SecondFactors {
  return {
    summary: async (userId) => ({ enrolled: enrolledIds.includes(userId), methods: enrolledIds.includes(userId) ? ['totp'] : [], recoveryCodesLeft: 0 }),
    reauthenticate: async () => ['otp', 'mfa'],
    removeAll: async () => undefined,
  };
}

async function outcome(guard: RecentAuthGuard, context: ExecutionContext): Promise<'allowed' | [number, string]> {
  try {
    expect(await guard.canActivate(context)).toBe(true);
    return 'allowed';
  } catch (error) {
    expect(error).toBeInstanceOf(HttpException);
    const http = error as HttpException;
    return [http.getStatus(), (http.getResponse() as { code: string }).code];
  }
}

describe('RecentAuthGuard (@RequireRecentAuth)', () => {
  const ago = (seconds: number): number => Date.now() - seconds * 1000;
  const guard = (secondFactors?: SecondFactors) => new RecentAuthGuard(new Reflector(), { recentAuthSeconds: 900 }, secondFactors ?? null);

  it('a route without it lets anyone through; with it, no user is 401 access_token_missing', async () => {
    expect(await outcome(guard(), contextFor('open'))).toBe('allowed');
    expect(await outcome(guard(), contextFor('minute'))).toEqual([401, 'access_token_missing']);
  });

  it('maxAgeSeconds, else the recentAuthSeconds option: an older or missing auth_time is 401 reauthentication_required', async () => {
    const user = (authTime?: number): User => ({ id: 'u', roles: [], amr: ['pwd'], authTime });
    expect(await outcome(guard(), contextFor('minute', user(ago(30))))).toBe('allowed');
    expect(await outcome(guard(), contextFor('minute', user(ago(90))))).toEqual([401, 'reauthentication_required']);
    expect(await outcome(guard(), contextFor('minute', user(undefined)))).toEqual([401, 'reauthentication_required']);
    expect(await outcome(guard(), contextFor('byDefault', user(ago(800))))).toBe('allowed');
    expect(await outcome(guard(), contextFor('byDefault', user(ago(1000))))).toEqual([401, 'reauthentication_required']);
  });

  it('secondFactor: amr must hold mfa for a user with a factor; a user without one, or no second-factor feature, passes', async () => {
    const fresh = (id: string, amr: string[]): User => ({ id, roles: [], amr, authTime: ago(5) });
    const withMfaFeature = guard(factors(['enrolled']));
    expect(await outcome(withMfaFeature, contextFor('withSecondFactor', fresh('enrolled', ['pwd'])))).toEqual([401, 'reauthentication_required']);
    expect(await outcome(withMfaFeature, contextFor('withSecondFactor', fresh('enrolled', ['pwd', 'otp', 'mfa'])))).toBe('allowed');
    expect(await outcome(withMfaFeature, contextFor('withSecondFactor', fresh('plain', ['pwd'])))).toBe('allowed');
    expect(await outcome(guard(), contextFor('withSecondFactor', fresh('enrolled', ['pwd'])))).toBe('allowed');
  });

  it('refuses a maxAgeSeconds that is not a positive whole number when the route is declared', () => {
    expect(() => RequireRecentAuth({ maxAgeSeconds: 0 })).toThrow(TypeError);
    expect(() => RequireRecentAuth({ maxAgeSeconds: 1.5 })).toThrow(TypeError);
  });
});
