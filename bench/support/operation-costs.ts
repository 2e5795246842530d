import type { Redis } from 'ioredis';
import type { StoredUser } from '../../lib';
import type { AppProcess } from './app-process';
import type { BetterAuthSide } from './better-auth';
import type { Fixtures } from './fixtures';
import type { MfaBench } from './mfa';
import { SoftAuthenticator } from '../../lib/testing';
import { BENCH_PASSKEY_ORIGIN } from '../app/bench-app.module';
import { bearer, expectStatus, JSON_HEADERS, login } from './http-client';
import { type RedisCost, RedisCostMeter } from './redis-cost';

/** The apps, users and tokens the operations are run with. */
export interface OperationInputs {
  redis: Redis;
  fixtures: Fixtures;
  sessionApp: AppProcess;
  statelessApp: AppProcess;
  /** The session-mode app with organizations on. */
  organizationsApp: AppProcess;
  /** The user whose sessions refresh and logout use. */
  user: StoredUser;
  userToken: string;
  /** An API key of the same user (the API-key request). */
  apiKey: string;
  adminToken: string;
  smoke: boolean;
  /** The Better Auth apps: their four operations are measured after the library's. */
  betterAuth: BetterAuthSide;
  /** The MFA app's users: its login, verify and guarded request are measured after the library's others. */
  mfa?: MfaBench;
}

/** Creates an organization for the token's user (its owner) and makes it active: the new access token. */
async function activeOrganizationToken(app: AppProcess, accessToken: string): Promise<string> {
  const headers = { ...JSON_HEADERS, ...bearer(accessToken) };
  const created = await fetch(`${app.url}/auth/orgs`, { method: 'POST', headers, body: JSON.stringify({ name: 'Bench' }) });
  const { id } = (await (await expectStatus(created, 201, 'POST /auth/orgs')).json()) as { id: string };
  const active = await fetch(`${app.url}/auth/orgs/active`, { method: 'POST', headers, body: JSON.stringify({ orgId: id }) });
  return ((await (await expectStatus(active, 200, 'POST /auth/orgs/active')).json()) as { accessToken: string }).accessToken;
}

/**
 * Redis cost of each measured operation, one at a time over HTTP (see `RedisCostMeter`): an authenticated
 * request in both modes, `@Roles`, the passport strategy, login (as `login@bench.test`), refresh, logout,
 * and logout-all with 1 and `sessions.maxSessionsPerUser` sessions (checking that it leaves none); then Better
 * Auth's session check, sign-in, session refresh and sign-out.
 */
export async function measureOperationCosts(inputs: OperationInputs): Promise<RedisCost[]> {
  const { redis, fixtures, sessionApp, statelessApp, organizationsApp, user, userToken, apiKey, adminToken, smoke, betterAuth, mfa } = inputs;
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
  // Organizations on: the admin owns an organization and made it active; its token carries `org`, `org_roles`, `cv`.
  const orgToken = await activeOrganizationToken(organizationsApp, adminToken);
  costs.push(await meter.measure('authenticated request (organizations on, token with an active organization)', samples, nothing, get(organizationsApp, '/guarded', orgToken)));
  costs.push(await meter.measure("@OrgRoles('admin') request", samples, nothing, get(organizationsApp, '/org-admin', orgToken)));
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
  if (mfa) costs.push(...(await mfa.measureCosts(meter, samples)));
  costs.push(...(await measurePasskeySignIn(meter, samples, fixtures, sessionApp)));
  costs.push(...(await betterAuth.measureCosts(meter, samples)));
  meter.stop();
  return costs;
}

/**
 * A passkey sign-in (issue 24): the options (public: the route throttle, then the challenge stored) and the
 * verification (the challenge taken and the credential read together, the counter recorded, the user, the
 * session), with a software authenticator's real assertions (ES256) for a user whose passkey was registered over
 * HTTP first.
 */
async function measurePasskeySignIn(meter: RedisCostMeter, samples: number, fixtures: Fixtures, app: AppProcess): Promise<RedisCost[]> {
  const post = async (path: string, body?: unknown, token?: string) => {
    const headers = { ...(body === undefined ? {} : JSON_HEADERS), ...(token ? bearer(token) : {}) };
    const response = await fetch(`${app.url}${path}`, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
    await expectStatus(response, path.endsWith('registration') ? 201 : 200, `POST ${path}`);
    return response.json() as Promise<Record<string, unknown> & { challenge: string }>;
  };
  const owner = await fixtures.users.create({ email: 'passkey@bench.test', passwordHash: null, roles: ['user'], emailVerified: true });
  const { accessToken } = await fixtures.startSession(owner);
  const authenticator = new SoftAuthenticator();
  const creation = await post('/auth/passkeys/registration/options', undefined, accessToken);
  await post('/auth/passkeys/registration', { response: authenticator.create(creation as never, { origin: BENCH_PASSKEY_ORIGIN }) }, accessToken);
  const nothing = async (count: number) => Array.from({ length: count }, () => undefined);
  const assertions = async (count: number) => {
    const made = [];
    for (let i = 0; i < count; i++) made.push(authenticator.get(await post('/auth/passkeys/authentication/options'), { origin: BENCH_PASSKEY_ORIGIN }));
    return made;
  };
  return [
    await meter.measure('passkey sign-in options', samples, nothing, async () => {
      await post('/auth/passkeys/authentication/options');
    }),
    await meter.measure('passkey sign-in verify', samples, assertions, async (response) => {
      await post('/auth/passkeys/authentication', { response });
    }),
  ];
}
