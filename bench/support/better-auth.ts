import { randomBytes } from 'node:crypto';
import type autocannon from 'autocannon';
import type { Redis } from 'ioredis';
import { BETTER_AUTH_BASE_URL } from '../app/better-auth/better-auth.constants';
import { type AppProcess, startApp } from './app-process';
import { CLIENT_IP, PASSWORD, USER_AGENT } from './fixtures';
import { expectStatus, JSON_HEADERS } from './http-client';
import { load, type LoadSpec } from './load';
import { LOGIN_CONNECTIONS, type LoginLoadSettings } from './login-load';
import { type MemoryResult, type MemoryScenario, usedMemory } from './memory';
import type { RedisCost, RedisCostMeter } from './redis-cost';
import type { Row } from './report';
import type { Route } from './routes';

/** Better Auth's session cookie under an HTTPS `baseURL` (the `__Secure-` prefix; the name is its default). */
const SESSION_COOKIE = '__Secure-better-auth.session_token';
/** Its cookie cache (the signed session and user), when `session.cookieCache` is on. */
const SESSION_DATA_COOKIE = '__Secure-better-auth.session_data';

let clientCount = 0;

/**
 * A new client address for each request that reaches Better Auth's router (sign-in, get-session, sign-out):
 * its rate limiter, on in production, allows 3 sign-ins per 10 s per address and 100 other requests, so a load
 * from one address would mostly measure 429s. The addresses come from 198.18.0.0/15 (RFC 2544's range for
 * benchmarks), in `X-Forwarded-For`, which Better Auth reads by default (the app behind a proxy). Every
 * request still pays for its rate-limit check (one script call in Redis).
 */
export function nextClientIp(): string {
  const n = clientCount++ % 131_072;
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** The bench's three Better Auth processes and what the rows are requested with. */
export class BetterAuthSide {
  /** Accounts of the refresh row's app, one session each. */
  private refreshCookies: string[] = [];
  /** The cookie of row b2. */
  private userCookie = '';
  /** The session cookie of row b3 on the cookie-cache app (its `session_data` is renewed before each load). */
  private cachedSessionCookie = '';
  /** Row b3's headers: both cookies (updated in place, the route's spec holds this object). */
  private readonly cachedHeaders: Record<string, string> = { cookie: '' };
  /** Memory measurements so far (each makes its own users). */
  private memoryRuns = 0;

  private constructor(
    /** The app of rows b1, b2, b7 and of the Redis costs and memory: every setting as in production. */
    readonly app: AppProcess,
    /** The app of row b6: the same but `session.updateAge: 0`, so every `get-session` extends the session. */
    readonly refreshApp: AppProcess,
    /** The app of row b3: the same but `session.cookieCache` on (its defaults: 5 minutes). */
    readonly cookieCacheApp: AppProcess,
  ) {}

  /** Starts the three apps on `redisUrl` (one secret, 32 random bytes). */
  static async start(redisUrl: string): Promise<BetterAuthSide> {
    const env = { REDIS_URL: redisUrl, BENCH_BA_SECRET: randomBytes(32).toString('base64url') };
    const [app, refreshApp, cookieCacheApp] = await Promise.all([
      startApp('better-auth', env, 'better-auth'),
      startApp('better-auth-refresh', { ...env, BENCH_BA_UPDATE_AGE: '0' }, 'better-auth'),
      startApp('better-auth-cookie-cache', { ...env, BENCH_BA_COOKIE_CACHE: '1' }, 'better-auth'),
    ]);
    return new BetterAuthSide(app, refreshApp, cookieCacheApp);
  }

  /**
   * Accounts (the bench password) on the main app: `user@bench.test` for row b2, `login@bench.test` for the Redis
   * costs, `loginEmails` for row b7; and `refreshSessions` accounts signed in once each on the refresh app.
   * Checks that a `get-session` there extends the session (answers with a new cookie).
   */
  async prepare(loginEmails: string[], refreshSessions: number): Promise<void> {
    const refreshEmails = Array.from({ length: refreshSessions }, (_, i) => `refresh-${i}@bench.test`);
    await Promise.all([
      this.createUsers(this.app, ['user@bench.test', 'login@bench.test', ...loginEmails]),
      this.createUsers(this.refreshApp, refreshEmails),
      this.createUsers(this.cookieCacheApp, ['user@bench.test']),
    ]);
    this.userCookie = await this.signIn(this.app, 'user@bench.test');
    this.cachedSessionCookie = await this.signIn(this.cookieCacheApp, 'user@bench.test');
    await this.renewCookieCache();
    this.refreshCookies = await Promise.all(refreshEmails.map((email) => this.signIn(this.refreshApp, email)));
    const response = await fetch(`${this.refreshApp.url}/api/auth/get-session`, { headers: this.refreshHeaders(this.refreshCookies[0]) });
    await expectStatus(response, 200, 'Better Auth get-session');
    if (!response.headers.getSetCookie().some((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))) {
      throw new Error('Better Auth get-session did not extend the session (no new session cookie): row b6 would not measure a refresh');
    }
  }

  /**
   * A new `session_data` cookie for row b3 (`get-session` bypassing the cache: read from Redis, cache re-issued),
   * before each load of the row: the cache lasts 5 minutes, and the module's guard, calling `auth.api.getSession`
   * rather than the HTTP endpoint, never hands a renewed one to the client.
   */
  async renewCookieCache(): Promise<void> {
    const response = await fetch(`${this.cookieCacheApp.url}/api/auth/get-session?disableCookieCache=true`, {
      headers: { cookie: this.cachedSessionCookie, ...this.clientHeaders() },
    });
    await expectStatus(response, 200, 'Better Auth get-session (cookie cache)');
    const data = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_DATA_COOKIE}=`));
    if (!data) throw new Error('Better Auth get-session did not set its cookie cache');
    this.cachedHeaders.cookie = `${this.cachedSessionCookie}; ${data.split(';')[0]}`;
  }

  /** `POST /bench/users`: accounts made by `auth.api.signUpEmail` in the app. */
  async createUsers(app: AppProcess, emails: string[]): Promise<void> {
    const response = await fetch(`${app.url}/bench/users`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ emails, password: PASSWORD }) });
    await expectStatus(response, 204, `Better Auth users on ${app.name}`);
  }

  /** `POST /api/auth/sign-in/email` from a new client address, as a browser sends it: the session cookie. */
  async signIn(app: AppProcess, email: string): Promise<string> {
    const response = await fetch(`${app.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: this.postHeaders(),
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    await expectStatus(response, 200, `Better Auth sign-in ${email}`);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (!cookie) throw new Error(`Better Auth sign-in ${email}: no session cookie`);
    return cookie.split(';')[0];
  }

  /** `POST /api/auth/sign-out` with `cookie`, as a browser sends it (same-origin `Origin`). */
  async signOut(cookie: string): Promise<void> {
    const response = await fetch(`${this.app.url}/api/auth/sign-out`, { method: 'POST', headers: { cookie, ...this.postHeaders() } });
    await expectStatus(response, 200, 'Better Auth sign-out');
  }

  /** Rows b1, b2, b3 and b6, each measured between slices of row 1 (the library's open route: see README). */
  routes(): Route[] {
    const cookies = this.refreshCookies;
    let next = 0;
    const refresh: autocannon.Request = {
      method: 'GET',
      path: '/api/auth/get-session',
      setupRequest: (request) => ({ ...request, headers: this.refreshHeaders(cookies[next++ % cookies.length]) }),
    };
    return [
      {
        id: 'b1',
        route: "Better Auth: `GET /` `@AllowAnonymous()`, no cookie (its app's ceiling; x row 1)",
        app: this.app,
        ceiling: '1',
        spec: { url: `${this.app.url}/` },
      },
      {
        id: 'b2',
        route: "Better Auth: `GET /guarded`, the module's global `AuthGuard` (`getSession`: session from Redis; x row 1)",
        app: this.app,
        ceiling: '1',
        spec: { url: `${this.app.url}/guarded`, headers: { cookie: this.userCookie } },
      },
      {
        id: 'b3',
        route: "Better Auth with its cookie cache: `GET /guarded`, the session from the signed cookie, no Redis read (x row 1)",
        app: this.cookieCacheApp,
        ceiling: '1',
        spec: { url: `${this.cookieCacheApp.url}/guarded`, headers: this.cachedHeaders },
        prepare: () => this.renewCookieCache(),
      },
      {
        id: 'b6',
        route: 'Better Auth: `GET /api/auth/get-session` extending the session each time (`updateAge: 0`; x row 1)',
        app: this.refreshApp,
        ceiling: '1',
        spec: { url: `${this.refreshApp.url}/api/auth/get-session`, requests: [refresh] },
      },
    ];
  }

  /**
   * Row b7: `POST /api/auth/sign-in/email` (scrypt) from `emails`, as row 7 (LOGIN_CONNECTIONS connections, the same
   * duration and warm-up); `openRequestsPerSecond` (row 1's) gives its ratio.
   */
  async measureSignIn(emails: string[], settings: LoginLoadSettings, openRequestsPerSecond: number): Promise<Row> {
    let next = 0;
    const spec: LoadSpec = {
      url: `${this.app.url}/api/auth/sign-in/email`,
      connections: LOGIN_CONNECTIONS,
      // A sign-in takes a good part of a second on a busy machine: even a smoke run must see some complete.
      durationSeconds: Math.max(settings.durationSeconds, 2),
      requests: [
        {
          method: 'POST',
          path: '/api/auth/sign-in/email',
          setupRequest: (request) => ({
            ...request,
            headers: this.postHeaders(),
            body: JSON.stringify({ email: emails[next++ % emails.length], password: PASSWORD }),
          }),
        },
      ],
    };
    await load({ ...spec, durationSeconds: settings.warmupSeconds });
    // The warm-up's cut-off sign-ins still hash on the thread pool: one more sign-in waits for them to finish.
    await this.signIn(this.app, emails[0]);
    const result = await load(spec);
    return {
      id: 'b7',
      route: `Better Auth: \`POST /api/auth/sign-in/email\` (scrypt), ${LOGIN_CONNECTIONS} connections (x row 1)`,
      ...result,
      slicesRequestsPerSecond: [result.requestsPerSecond],
      roundRatios: [result.requestsPerSecond / openRequestsPerSecond],
      ratioToOpen: result.requestsPerSecond / openRequestsPerSecond,
    };
  }

  /** Redis cost of the four operations, one at a time (see `RedisCostMeter`). */
  async measureCosts(meter: RedisCostMeter, samples: number): Promise<RedisCost[]> {
    const nothing = async (count: number) => Array.from({ length: count }, () => undefined);
    const signedIn = (count: number) => Promise.all(Array.from({ length: count }, () => this.signIn(this.app, 'login@bench.test')));
    const refreshCookie = this.refreshCookies[0];
    await this.renewCookieCache();
    return [
      await meter.measure('Better Auth: session-checked request (`GET /guarded`)', samples, nothing, async () => {
        await expectStatus(await fetch(`${this.app.url}/guarded`, { headers: { cookie: this.userCookie } }), 200, 'Better Auth GET /guarded');
      }),
      await meter.measure('Better Auth: request with the cookie cache (`GET /guarded`)', samples, nothing, async () => {
        const response = await fetch(`${this.cookieCacheApp.url}/guarded`, { headers: this.cachedHeaders });
        await expectStatus(response, 200, 'Better Auth GET /guarded (cookie cache)');
      }),
      await meter.measure('Better Auth: sign-in', Math.min(samples, 3), nothing, async () => {
        await this.signIn(this.app, 'login@bench.test');
      }),
      await meter.measure('Better Auth: session refresh (`get-session` extending it)', samples, nothing, async () => {
        const response = await fetch(`${this.refreshApp.url}/api/auth/get-session`, { headers: this.refreshHeaders(refreshCookie) });
        await expectStatus(response, 200, 'Better Auth get-session');
      }),
      await meter.measure('Better Auth: sign-out', samples, signedIn, (cookie) => this.signOut(cookie)),
    ];
  }

  /**
   * Redis bytes per session, all-in, for `counts` sessions made in the app by `internalAdapter.createSession` (as
   * sign-in makes them) with the scenario's client ip and user agent; flushes the database first.
   */
  async measureMemory(redis: Redis, counts: readonly number[], scenario: MemoryScenario): Promise<MemoryResult> {
    const { sessionsPerUser, userAgent = USER_AGENT, ip = CLIENT_IP, settleMs = 1000 } = scenario;
    this.memoryRuns++;
    await redis.flushall();
    const base = await usedMemory(redis, settleMs);
    const points: MemoryResult['points'] = [];
    let made = 0;
    for (const target of counts) {
      for (; made < target; made += 5_000) {
        const count = Math.min(5_000, target - made);
        const response = await fetch(`${this.app.url}/bench/sessions`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify({ tag: `memory${this.memoryRuns}`, from: made, count, sessionsPerUser, ip, userAgent }),
        });
        await expectStatus(response, 204, 'Better Auth memory sessions');
      }
      made = target;
      const users = Math.ceil(target / sessionsPerUser);
      // A key per session and each user's active-sessions list.
      const live = Number(await redis.dbsize());
      if (live !== target + users) throw new Error(`Better Auth memory bench: ${live} keys, expected ${target + users}`);
      const bytes = (await usedMemory(redis, settleMs)) - base;
      points.push({ sessions: target, users, bytes, bytesPerSession: bytes / target });
    }
    const [first, last] = [points[0], points[points.length - 1]];
    const marginal = (last.bytes - first.bytes) / (last.sessions - first.sessions);
    const perSession = [...points.map((p) => p.bytesPerSession), marginal];
    return {
      sessionsPerUser,
      userAgent,
      // Better Auth stores the header as it came.
      userAgentMode: 'full',
      storedUserAgent: userAgent,
      ip,
      points,
      marginalBytesPerSession: marginal,
      spread: Math.max(...perSession) / Math.min(...perSession),
    };
  }

  stop(): Promise<void> {
    return Promise.all([this.app.stop(), this.refreshApp.stop(), this.cookieCacheApp.stop()]).then(() => undefined);
  }

  /** A browser's user agent from a new client address. */
  private clientHeaders(): Record<string, string> {
    return { 'user-agent': USER_AGENT, 'x-forwarded-for': nextClientIp() };
  }

  /** A browser's JSON POST to its own origin (Better Auth refuses POSTs without a trusted `Origin`). */
  private postHeaders(): Record<string, string> {
    return { ...JSON_HEADERS, origin: BETTER_AUTH_BASE_URL, ...this.clientHeaders() };
  }

  private refreshHeaders(cookie: string): Record<string, string> {
    return { cookie, ...this.clientHeaders() };
  }
}

/** The memory scenarios measured for Better Auth: the library's first two (browser user agent, IPv4). */
export const BETTER_AUTH_MEMORY_SCENARIOS: readonly MemoryScenario[] = [{ sessionsPerUser: 1 }, { sessionsPerUser: 3 }];
