import type { AppProcess } from './app-process';
import { PASSWORD } from './fixtures';
import { JSON_HEADERS } from './http-client';
import { load, type LoadSpec, measure } from './load';
import type { BenchResults, Row } from './report';

/** Concurrent logins of row 7: twice libuv's default pool of 4; more cannot hash faster, they only wait. */
export const LOGIN_CONNECTIONS = 8;

/** How long and how hard row 7 runs. */
export interface LoginLoadSettings {
  smoke: boolean;
  /** The other rows' connections: the overload's concurrent logins. */
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

/**
 * Row 7: logins saturating the hashing (at LOGIN_CONNECTIONS, more would only queue), from many
 * accounts (`emails`, all with the bench password); meanwhile GET / at a fixed, moderate rate to watch
 * its p99. Then the same with `connections` logins (an overload: every extra login only waits), reported
 * alongside. `openRequestsPerSecond` (row 1's) gives the row its ratio.
 */
export async function measureLoginLoad(
  app: AppProcess,
  emails: string[],
  settings: LoginLoadSettings,
  openRequestsPerSecond: number,
): Promise<{ row: Row; loginLoad: BenchResults['loginLoad'] }> {
  const background = { ratePerSecond: settings.smoke ? 100 : 500, connections: 10 };
  const backgroundSpec: LoadSpec = {
    url: `${app.url}/`,
    connections: background.connections,
    overallRate: background.ratePerSecond,
    durationSeconds: Math.max(settings.durationSeconds, 1),
  };
  let next = 0;
  const loginSpec = (loginConnections: number): LoadSpec => ({
    url: `${app.url}/auth/login`,
    requests: [
      {
        method: 'POST',
        path: '/auth/login',
        headers: JSON_HEADERS,
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: emails[next++ % emails.length], password: PASSWORD }) }),
      },
    ],
    connections: loginConnections,
    // A login takes a good part of a second under load: even a smoke run must see some complete.
    durationSeconds: Math.max(settings.durationSeconds, 1),
  });
  const idle = await measure(backgroundSpec, settings.warmupSeconds);
  await load({ ...loginSpec(LOGIN_CONNECTIONS), durationSeconds: settings.warmupSeconds });
  const [loginResult, duringLogins] = await Promise.all([load(loginSpec(LOGIN_CONNECTIONS)), load(backgroundSpec)]);
  const [overloadResult, duringOverload] = await Promise.all([load(loginSpec(settings.connections)), load(backgroundSpec)]);
  return {
    row: {
      id: '7',
      route: `\`POST /auth/login\` (argon2id), ${LOGIN_CONNECTIONS} connections: reported, not targeted`,
      ...loginResult,
      slicesRequestsPerSecond: [loginResult.requestsPerSecond],
      roundRatios: [loginResult.requestsPerSecond / openRequestsPerSecond],
      ratioToOpen: loginResult.requestsPerSecond / openRequestsPerSecond,
    },
    loginLoad: {
      background,
      loginConnections: LOGIN_CONNECTIONS,
      idle,
      duringLogins,
      overload: { loginConnections: settings.connections, login: overloadResult, duringLogins: duringOverload },
    },
  };
}
