import type { Redis } from 'ioredis';
import type { StoredUser } from '../../lib';
import type { AppProcess } from './app-process';
import type { BetterAuthSide } from './better-auth';
import type { Fixtures } from './fixtures';
import { bearer, expectStatus, JSON_HEADERS, login } from './http-client';
import { type RedisCost, RedisCostMeter } from './redis-cost';

/** The apps, users and tokens the operations are run with. */
export interface OperationInputs {
  redis: Redis;
  fixtures: Fixtures;
  sessionApp: AppProcess;
  statelessApp: AppProcess;
  /** The user whose sessions refresh and logout use. */
  user: StoredUser;
  userToken: string;
  /** An API key of the same user (the API-key request). */
  apiKey: string;
  adminToken: string;
  smoke: boolean;
  /** The Better Auth apps: their four operations are measured after the library's. */
  betterAuth: BetterAuthSide;
}

/**
 * Redis cost of each measured operation, one at a time over HTTP (see `RedisCostMeter`): an authenticated
 * request in both modes, `@Roles`, the passport strategy, login (as `login@bench.test`), refresh, logout,
 * and logout-all with 1 and `sessions.maxSessionsPerUser` sessions (checking that it leaves none); then Better
 * Auth's session check, sign-in, session refresh and sign-out.
 */
export async function measureOperationCosts(inputs: OperationInputs): Promise<RedisCost[]> {
  const { redis, fixtures, sessionApp, statelessApp, user, userToken, apiKey, adminToken, smoke, betterAuth } = inputs;
  const meter = new RedisCostMeter(redis);
  await meter.start();
  const samples = smoke ? 2 : 5;
  const nothing = async (count: number) => Array.from({ length: count }, () => undefined);
  const freshSessions = (count: number) => Promise.all(Array.from({ length: count }, () => fixtures.startSession(user)));
  const get = (app: AppProcess, path: string, token: string) => async () => {
    await expectStatus(await fetch(`${app.url}${path}`, { headers: bearer(token) }), 200, `GET ${path}`);
  };
  const costs: RedisCost[] = [];
  costs.push(await meter.measure('authenticated request (default mode)', samples, nothing, get(sessionApp, '/guarded', userToken)));
  costs.push(await meter.measure('authenticated request (stateless mode)', samples, nothing, get(statelessApp, '/guarded', userToken)));
  costs.push(await meter.measure('API-key request', samples, nothing, get(sessionApp, '/keyed', apiKey)));
  costs.push(await meter.measure("@Roles('admin') request", samples, nothing, get(sessionApp, '/admin', adminToken)));
  costs.push(await meter.measure("AuthGuard('authkit-jwt') request", samples, nothing, get(sessionApp, '/passport', userToken)));
  costs.push(
    await meter.measure('login', smoke ? 1 : 3, nothing, async () => {
      await login(sessionApp, 'login@bench.test');
    }),
  );
  costs.push(
    await meter.measure('refresh', samples, freshSessions, async (pair) => {
      const response = await fetch(`${sessionApp.url}/auth/refresh`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ refreshToken: pair.refreshToken }) });
      await expectStatus(response, 200, 'refresh');
    }),
  );
  // One round trip: `LogoutGuard` verifies the token's signature only, the revoke script checks the session.
  costs.push(
    await meter.measure('logout', samples, freshSessions, async (pair) => {
      await expectStatus(await fetch(`${sessionApp.url}/auth/logout`, { method: 'POST', headers: bearer(pair.accessToken) }), 204, 'logout');
    }),
  );
  for (const n of [1, fixtures.options.sessions.maxSessionsPerUser]) {
    const owners: StoredUser[] = [];
    const usersWithSessions = async (count: number) => {
      const made = [];
      for (let i = 0; i < count; i++) {
        const owner = await fixtures.users.create({ email: null, passwordHash: null, roles: ['user'], emailVerified: false });
        const pairs = [];
        for (let s = 0; s < n; s++) pairs.push(await fixtures.startSession(owner));
        owners.push(owner);
        made.push(pairs[0].accessToken);
      }
      return made;
    };
    costs.push(
      await meter.measure(`logout-all (N=${n} sessions)`, samples, usersWithSessions, async (accessToken) => {
        await expectStatus(await fetch(`${sessionApp.url}/auth/logout-all`, { method: 'POST', headers: bearer(accessToken) }), 204, 'logout-all');
      }),
    );
    for (const owner of owners) {
      const left = await fixtures.sessions.list(owner.id);
      if (left.length) throw new Error(`logout-all left ${left.length} of ${n} sessions`);
    }
  }
  costs.push(...(await betterAuth.measureCosts(meter, samples)));
  meter.stop();
  return costs;
}
