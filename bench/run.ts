import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { RedisServer } from '../test/support/redis-server';
import { type AppProcess, buildApp, startApp } from './support/app-process';
import { Fixtures } from './support/fixtures';
import { load, type LoadResult, type LoadSpec, measure } from './support/load';
import { IPV6_CLIENT_IP, measureSessionMemory, type MemoryResult, type MemoryScenario } from './support/memory';
import { parseOptions } from './support/options';
import { RedisCostMeter, type RedisCost } from './support/redis-cost';
import type { StoredUser } from '../lib';
import { type BenchResults, loadTable, renderMarkdown, type Row, type Target } from './support/report';

/**
 * `npm run bench`: one run, one table. Starts redis-server and two bench apps (default and stateless
 * mode), each in its own process, drives them with autocannon from this process, then counts Redis
 * commands per operation and Redis bytes per session, and writes bench/results.json and bench/RESULTS.md.
 */

const PASSWORD = 'correct horse battery staple';
const JSON_HEADERS = { 'content-type': 'application/json' };
/** Concurrent logins of row 7: twice libuv's default pool of 4; more cannot hash faster, they only wait. */
const LOGIN_CONNECTIONS = 8;

interface Route {
  id: string;
  route: string;
  /** The app process that serves it. */
  app: AppProcess;
  /**
   * The row it is measured against, in adjacent slices: the same app's `GET /` for most rows, the guarded
   * route for `@Roles` (its target is relative to that); absent for the open routes themselves.
   */
  ceiling?: string;
  /** Runs before every load of the route, unmeasured. */
  prepare?: () => Promise<void>;
  /** Back-to-back alternations with `ceiling` per round (each 1/n of a slice); 1 when absent. */
  alternations?: number;
  spec: Omit<LoadSpec, 'connections' | 'durationSeconds'>;
}

const startedAt = Date.now();

function log(message: string): void {
  process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`);
}

async function expectStatus(response: Response, expected: number, what: string): Promise<Response> {
  if (response.status !== expected) {
    throw new Error(`${what}: expected HTTP ${expected}, got ${response.status} ${await response.text()}`);
  }
  return response;
}

async function login(app: AppProcess, email: string): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await fetch(`${app.url}/auth/login`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ email, password: PASSWORD }) });
  await expectStatus(response, 200, `login ${email}`);
  return (await response.json()) as { accessToken: string; refreshToken: string };
}

/** Autocannon requests that present a fresh, valid refresh token every time and recycle the rotated one. */
function refreshRequests(pool: string[]): autocannon.Request[] {
  return [
    {
      method: 'POST',
      path: '/auth/refresh',
      headers: JSON_HEADERS,
      setupRequest: (request) => {
        const token = pool.shift();
        if (!token) throw new Error('refresh pool exhausted');
        return { ...request, body: JSON.stringify({ refreshToken: token }) };
      },
      onResponse: (status, body) => {
        if (status === 200) pool.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
      },
    },
  ];
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The middle half of `values` (25th to 75th percentile, nearest rank): how much the per-round ratios spread. */
function quartiles(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return [at(0.25), at(0.75)];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The element with the median key (the lower middle one for an even count). */
function medianBy<T>(items: T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function mergeCounts(counts: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const count of counts) for (const [key, n] of Object.entries(count)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

async function machine(redis: Redis): Promise<BenchResults['machine']> {
  const info = String(await redis.call('INFO', 'server'));
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    node: process.version,
    redis: /^redis_version:(.+)$/m.exec(info)?.[1].trim() ?? 'unknown',
    os: `${platform()} ${release()}`,
  };
}

function targets(rows: Row[], costs: RedisCost[], memory: MemoryResult[], loginP99Ms: number): Target[] {
  const row = (id: string) => rows.find((r) => r.id === id) as Row;
  const cost = (name: string) => costs.find((c) => c.operation.startsWith(name)) as RedisCost;
  // Median over rounds of the two rows' ratios to the open route in the same round.
  const roundRatio = (r: Row, i: number) => (r.roundRatios.length === 1 ? r.roundRatios[0] : r.roundRatios[i]);
  const ratio = (a: string, b: string) => median(row(a).roundRatios.map((r, i) => r / roundRatio(row(b), i)));
  const x = (value: number) => `${value.toFixed(2)}x`;
  const refresh = cost('refresh');
  const login = cost('login');
  // Each command besides throttling takes at most one round trip of its own: a bound that needs no guessing.
  const loginTrips = login.otherCommandsPerOp;
  const perSession = (m: MemoryResult) => [...m.points.map((p) => p.bytesPerSession), m.marginalBytesPerSession];
  // The target is about the library as configured by default; the opt-in raw user agent is reported beside it.
  const worstBytes = Math.max(...memory.filter((m) => m.userAgentMode !== 'full').flatMap(perSession));
  const fullAgent = memory.filter((m) => m.userAgentMode === 'full').flatMap(perSession);
  const worstSpread = Math.max(...memory.map((m) => m.spread));
  const logoutAll = costs.filter((c) => c.operation.startsWith('logout-all'));
  const scriptCalls = (c: RedisCost) => (c.commandBreakdown.evalsha ?? 0) + (c.commandBreakdown.eval ?? 0);
  const failed = rows.filter((r) => r.non2xx + r.errors > 0 || r.requests === 0);
  return [
    { name: 'guarded (session check) >= 0.85x open', kind: 'timing', measured: x(ratio('2', '1')), met: ratio('2', '1') >= 0.85 },
    {
      // Row 3 against its own app's open route (1s), the median of its back-to-back pairs (see main()).
      name: 'stateless >= 0.92x open (median of row 3 / adjacent row-1s slices, back to back)', kind: 'timing',
      measured:
        `${x(median(row('3').pairRatios ?? row('3').roundRatios))} (${(row('3').pairRatios ?? []).length} pairs; ` +
        `middle half ${quartiles(row('3').pairRatios ?? row('3').roundRatios).map((q) => q.toFixed(2)).join('-')})`,
      met: median(row('3').pairRatios ?? row('3').roundRatios) >= 0.92,
    },
    {
      name: '@Roles(admin) within 3% of guarded (median of row 4 / adjacent row-2 slices, back to back)', kind: 'timing',
      measured:
        `${((median(row('4').pairRatios ?? row('4').roundRatios) - 1) * 100).toFixed(1)}% (${(row('4').pairRatios ?? []).length} pairs; ` +
        `middle half ${quartiles(row('4').pairRatios ?? row('4').roundRatios).map((q) => `${((q - 1) * 100).toFixed(0)}%`).join(' to ')})`,
      met: Math.abs(median(row('4').pairRatios ?? row('4').roundRatios) - 1) <= 0.03,
    },
    { name: 'guarded >= 3x the docs recipe', kind: 'timing', measured: x(ratio('2', '5')), met: ratio('2', '5') >= 3 },
    {
      name: 'refresh: exactly 1 Redis round trip per rotation (one script call)', kind: 'count',
      measured:
        `rotation: ${scriptCalls(refresh)} script call; the request in all: ${refresh.roundTripsPerOp} round trips ` +
        `(${Object.entries(refresh.commandBreakdown).map(([name, n]) => `${name} ${n}`).join(', ')}: the user is read first, see README)`,
      met: scriptCalls(refresh) === 1 && Object.keys(refresh.commandBreakdown).every((name) => name === 'evalsha' || name === 'hgetall'),
    },
    { name: 'refresh >= 0.5x open', kind: 'timing', measured: x(ratio('6', '1')), met: ratio('6', '1') >= 0.5 },
    {
      name: 'authenticated request: <= 1 Redis command (default), 0 (stateless)', kind: 'count',
      measured: `${cost('authenticated request (default').commandsPerOp} / ${cost('authenticated request (stateless').commandsPerOp}`,
      met: cost('authenticated request (default').commandsPerOp <= 1 && cost('authenticated request (stateless').commandsPerOp === 0,
    },
    {
      name: 'login: <= 3 round trips besides throttling', kind: 'count',
      measured: `${loginTrips} commands besides throttling, so at most ${loginTrips} round trips; ${login.roundTripsPerOp} round trips in all`,
      met: loginTrips <= 3,
    },
    {
      name: `GET / p99 under login load (${LOGIN_CONNECTIONS} concurrent logins) < 50 ms`, kind: 'timing',
      measured: `${loginP99Ms.toFixed(1)} ms`, met: loginP99Ms < 50,
    },
    {
      name: 'Redis memory <= 400 bytes/session all-in (default settings, browser user agent)', kind: 'scale',
      measured: `${worstBytes.toFixed(0)} (worst case)${fullAgent.length ? `; ${Math.max(...fullAgent).toFixed(0)} with the opt-in sessionUserAgent: 'full'` : ''}`,
      met: worstBytes <= 400,
    },
    { name: 'memory linear: bytes/session constant within 10%', kind: 'scale', measured: `${((worstSpread - 1) * 100).toFixed(1)}% spread`, met: worstSpread <= 1.1 },
    {
      name: 'logout-all with N sessions: one script call', kind: 'count',
      measured: logoutAll.map((c) => `${c.operation.replace('logout-all ', '')}: ${scriptCalls(c)}`).join(', '),
      met: logoutAll.length > 0 && logoutAll.every((c) => scriptCalls(c) === 1),
    },
    { name: 'every load row answered 2xx only', kind: 'count', measured: failed.length ? failed.map((r) => `row ${r.id}${r.requests ? '' : ' (no answers)'}`).join(', ') : 'all 2xx', met: failed.length === 0 },
  ];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const started = Date.now();
  const jwtSecret = randomBytes(32).toString('base64url');
  const server = await RedisServer.start();
  const redis = new Redis(server.url, { lazyConnect: false });
  const apps: AppProcess[] = [];
  let exitCode = 0;
  try {
    log(`redis-server on ${server.url}; compiling the bench app (tsc)`);
    buildApp();
    log('starting the bench apps');
    const env = { REDIS_URL: server.url, BENCH_JWT_SECRET: jwtSecret };
    const [sessionApp, statelessApp] = await Promise.all([
      startApp('session', { ...env, BENCH_MODE: 'session' }),
      startApp('stateless', { ...env, BENCH_MODE: 'stateless' }),
    ]);
    apps.push(sessionApp, statelessApp);
    log('apps ready; creating users and sessions');

    const fixtures = new Fixtures(redis, jwtSecret);
    const [user] = await Promise.all([
      fixtures.createUser('user@bench.test', PASSWORD, ['user']),
      fixtures.createUser('admin@bench.test', PASSWORD, ['admin', 'user']),
      fixtures.createUser('login@bench.test', PASSWORD, ['user']),
    ]);
    // Logins under load come from many accounts, as in life (one account's concurrent attempts are throttled).
    const loginEmails = Array.from({ length: options.smoke ? 8 : 64 }, (_, i) => `login-${i}@bench.test`);
    await Promise.all(loginEmails.map((email) => fixtures.createUser(email, PASSWORD, ['user'])));
    const userToken = (await login(sessionApp, 'user@bench.test')).accessToken;
    const adminToken = (await login(sessionApp, 'admin@bench.test')).accessToken;
    const recipeToken = fixtures.recipeToken(user);
    // Refresh tokens for row 6. Each 200 puts its rotated token back; the tokens of requests cut off when a
    // load ends are lost, so the pool is topped up before every load of the row.
    const pool: string[] = [];
    let poolBatch = 0;
    const fillPool = async () => {
      const wanted = options.connections * 20;
      if (pool.length >= wanted / 2) return;
      const made = await fixtures.sessionPool(wanted - pool.length, `pool${poolBatch++}`);
      pool.push(...made.map((p) => p.refreshToken));
    };
    await fillPool();

    // The open routes are requested with the same Authorization header as the guarded rows (the public route
    // ignores it), so that a row's ratio is what the library's guard costs, not what 370 more request bytes
    // cost the HTTP stack; row 1n shows the same route without the header.
    const routes: Route[] = [
      {
        id: '1',
        route: '`GET /` open route (`@Public()`), same `Authorization` header as row 2: the ceiling',
        app: sessionApp,
        spec: { url: `${sessionApp.url}/`, headers: bearer(userToken) },
      },
      {
        id: '1n',
        route: '`GET /` open route, no `Authorization` header (for comparison; x row 1)',
        app: sessionApp,
        ceiling: '1',
        spec: { url: `${sessionApp.url}/` },
      },
      {
        id: '1s',
        route: '`GET /` of the stateless-mode app, same header: row 3\'s own ceiling (same code, other process)',
        app: statelessApp,
        spec: { url: `${statelessApp.url}/`, headers: bearer(userToken) },
      },
      {
        id: '2',
        route: '`GET /guarded` `AccessTokenGuard`, default mode (signature + session check, one Redis command)',
        app: sessionApp,
        ceiling: '1',
        spec: { url: `${sessionApp.url}/guarded`, headers: bearer(userToken) },
      },
      {
        id: '3',
        route: "`GET /guarded` `AccessTokenGuard`, `accessTokenValidation: 'stateless'` (x row 1s); measured alternating with row 1s",
        app: statelessApp,
        ceiling: '1s',
        alternations: 4,
        spec: { url: `${statelessApp.url}/guarded`, headers: bearer(userToken) },
      },
      {
        id: '4',
        route: "`GET /admin` `@Roles('admin')` (+ session check); measured alternating with row 2",
        app: sessionApp,
        ceiling: '2',
        alternations: 4,
        spec: { url: `${sessionApp.url}/admin`, headers: bearer(adminToken) },
      },
      {
        id: '5',
        route: "reference: NestJS docs recipe, passport-jwt `AuthGuard('jwt')`, string secret",
        app: sessionApp,
        ceiling: '1',
        spec: { url: `${sessionApp.url}/recipe`, headers: bearer(recipeToken) },
      },
      {
        id: '5b',
        route: "`AuthGuard('authkit-jwt')`: the library's passport strategy (KeyObject + session check)",
        app: sessionApp,
        ceiling: '1',
        spec: { url: `${sessionApp.url}/passport`, headers: bearer(userToken) },
      },
      {
        id: '6',
        route: '`POST /auth/refresh`, a fresh refresh token each request (real rotation)',
        app: sessionApp,
        ceiling: '1',
        spec: { url: `${sessionApp.url}/auth/refresh`, requests: refreshRequests(pool) },
        prepare: fillPool,
      },
    ];

    // Every route answers correctly once before anything is measured.
    for (const route of routes.filter((r) => !r.spec.requests)) {
      await expectStatus(await fetch(route.spec.url, { headers: route.spec.headers }), 200, `row ${route.id}`);
    }

    // Rows 1-6 are measured in interleaved rounds, each round 1, 2, 1, 3, 1, 4, ... 1, 6, 1: a row's ratio in
    // a round is its req/s over the mean of the two row-1 slices either side of it, so a slow spell of the
    // (shared) machine weighs on both alike. A row shows its median slice and the median of its ratios.
    const connections = options.connections;
    const slice = options.durationSeconds / options.rounds;
    // Two warm-up passes: every process reaches optimised code before anything counts.
    for (let pass = 0; pass < 2; pass++) {
      for (const route of routes) {
        await route.prepare?.();
        await load({ ...route.spec, connections, durationSeconds: options.warmupSeconds });
      }
    }
    // Unmeasured load right before a measured slice: a second when the app sat idle meanwhile (V8 shrinks
    // an idle heap, and the regrowth is not what a row should measure), and half a second of the row's own
    // route before each row slice (code not run for a while loses its compiled form; recompiling is not
    // the route's steady-state cost either). The open routes run all the time and need none.
    let busyApp: AppProcess | undefined;
    const sliceOf = async (route: Route, seconds = slice, warm = true): Promise<LoadResult> => {
      const idle = route.app !== busyApp;
      if (idle || (warm && route.ceiling)) {
        await route.prepare?.();
        await load({ ...route.spec, connections, durationSeconds: Math.min(idle ? 1 : 0.5, options.warmupSeconds) });
      }
      busyApp = route.app;
      await route.prepare?.();
      return load({ ...route.spec, connections, durationSeconds: seconds });
    };
    const unmeasured = async (route: Route, seconds: number): Promise<void> => {
      await route.prepare?.();
      await load({ ...route.spec, connections, durationSeconds: seconds });
      busyApp = route.app;
    };
    // Whole slices, and the quarter slices of the back-to-back pairs (kept apart: a quarter slice reads ~8% fewer
    // req/s than a whole one of the same route, the set-up of 50 connections weighing four times as much).
    const slices: LoadResult[][] = routes.map(() => []);
    const quarters: LoadResult[][] = routes.map(() => []);
    const ratios: number[][] = routes.map(() => []);
    const indexOf = (id: string) => routes.findIndex((route) => route.id === id);
    const take = async (i: number, seconds?: number, warm?: boolean, into = slices): Promise<LoadResult> => {
      const result = await sliceOf(routes[i], seconds, warm);
      into[i].push(result);
      return result;
    };
    // Rows whose targets are a few percent from their reference (stateless vs its open route: 0.92x; admin vs
    // guarded: within 3%) alternate with it in shorter back-to-back slices, both routes hot, no unmeasured load
    // in between: the machine's speed drifts by more than that within seconds, and only slices this close in
    // time see the same machine. Four pairs of quarter slices take as long as one sandwich of whole slices and
    // give four ratios instead of one (a route against itself on this machine: single quarter-slice pairs spread
    // ~12%, whole-slice sandwiches ~9%), so the median over all pairs is the tighter figure.
    const pairRatios: number[][] = routes.map(() => []);
    for (let round = 0; round < options.rounds; round++) {
      log(`round ${round + 1}/${options.rounds}`);
      let last: { ceiling: number; result: LoadResult } | undefined;
      for (const [i, route] of routes.entries()) {
        if (!route.ceiling) continue;
        const ceiling = indexOf(route.ceiling);
        const alternations = route.alternations ?? 1;
        if (alternations === 1) {
          const before = last?.ceiling === ceiling ? last.result : await take(ceiling);
          const result = await take(i);
          const after = await take(ceiling);
          ratios[i].push(result.requestsPerSecond / ((before.requestsPerSecond + after.requestsPerSecond) / 2));
          last = { ceiling, result: after };
          continue;
        }
        // The reference keeps its whole slice of the round (its own figures, and row 1s's ratio to row 1, come
        // from whole slices only). Then both routes run unmeasured, and only quarter slices follow, each right
        // after one of the other route: every pair is measured alike. (With a whole slice as the first pair's
        // reference, the first pair of each round read 9-10% below the other three in two runs.)
        if (last?.ceiling !== ceiling) await take(ceiling);
        const seconds = slice / alternations;
        await unmeasured(route, Math.min(0.5, options.warmupSeconds));
        await unmeasured(routes[ceiling], seconds);
        let before = await take(ceiling, seconds, false, quarters);
        const round: number[] = [];
        for (let k = 0; k < alternations; k++) {
          const result = await take(i, seconds, false, quarters);
          const after = await take(ceiling, seconds, false, quarters);
          round.push(result.requestsPerSecond / ((before.requestsPerSecond + after.requestsPerSecond) / 2));
          before = after;
        }
        pairRatios[i].push(...round);
        ratios[i].push(median(round));
        last = undefined;
      }
    }
    // The open routes: 1 by definition; row 1s against row 1 by medians (other process, never adjacent).
    const medianRps = (i: number) => median(slices[i].map((r) => r.requestsPerSecond));
    for (const [i, route] of routes.entries()) {
      if (!route.ceiling) ratios[i] = [medianRps(i) / medianRps(0)];
    }
    // A row measured against another guarded row (admin against guarded): its ratio to the open route is,
    // per round, its ratio to that row times that row's ratio to the open route. A row in pairs with an open
    // route (stateless): the median over all its pairs.
    const toOpen = (i: number): number[] => {
      const via = routes[i].ceiling ? indexOf(routes[i].ceiling as string) : -1;
      if (via < 0 || !routes[via].ceiling) return ratios[i];
      const base = toOpen(via);
      return ratios[i].map((r, k) => r * base[k]);
    };
    const rows: Row[] = routes.map((route, i) => {
      // Rows measured in pairs only have quarter slices: they show their median quarter slice.
      const typical = medianBy(slices[i].length ? slices[i] : quarters[i], (r) => r.requestsPerSecond);
      const all = [...slices[i], ...quarters[i]];
      return {
        id: route.id,
        route: route.route,
        ...typical,
        requests: sum(all.map((r) => r.requests)),
        non2xx: sum(all.map((r) => r.non2xx)),
        errors: sum(all.map((r) => r.errors)),
        statusCodes: mergeCounts(all.map((r) => r.statusCodes)),
        durationSeconds: sum(all.map((r) => r.durationSeconds)),
        slicesRequestsPerSecond: slices[i].map((r) => r.requestsPerSecond),
        ...(quarters[i].length ? { quarterSlicesRequestsPerSecond: quarters[i].map((r) => r.requestsPerSecond) } : {}),
        ceiling: route.ceiling,
        roundRatios: ratios[i],
        ...(route.alternations ? { pairRatios: pairRatios[i] } : {}),
        ratioToOpen: route.alternations && !routes[indexOf(route.ceiling as string)].ceiling ? median(pairRatios[i]) : median(toOpen(i)),
      };
    });

    // Row 7: logins saturating the hashing (at LOGIN_CONNECTIONS, more would only queue), from many
    // accounts; meanwhile GET / at a fixed, moderate rate to watch its p99. Then the same with
    // \`connections\` logins (an overload: every extra login only waits), reported alongside.
    log('row 7: POST /auth/login, with GET / traffic alongside');
    const background = { ratePerSecond: options.smoke ? 100 : 500, connections: 10 };
    const backgroundSpec: LoadSpec = {
      url: `${sessionApp.url}/`,
      connections: background.connections,
      overallRate: background.ratePerSecond,
      durationSeconds: Math.max(options.durationSeconds, 1),
    };
    let next = 0;
    const loginSpec = (loginConnections: number): LoadSpec => ({
      url: `${sessionApp.url}/auth/login`,
      requests: [
        {
          method: 'POST',
          path: '/auth/login',
          headers: JSON_HEADERS,
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: loginEmails[next++ % loginEmails.length], password: PASSWORD }) }),
        },
      ],
      connections: loginConnections,
      // A login takes a good part of a second under load: even a smoke run must see some complete.
      durationSeconds: Math.max(options.durationSeconds, 1),
    });
    const idle = await measure(backgroundSpec, options.warmupSeconds);
    await load({ ...loginSpec(LOGIN_CONNECTIONS), durationSeconds: options.warmupSeconds });
    const [loginResult, duringLogins] = await Promise.all([load(loginSpec(LOGIN_CONNECTIONS)), load(backgroundSpec)]);
    const [overloadResult, duringOverload] = await Promise.all([load(loginSpec(connections)), load(backgroundSpec)]);
    rows.push({
      id: '7',
      route: `\`POST /auth/login\` (argon2id), ${LOGIN_CONNECTIONS} connections: reported, not targeted`,
      ...loginResult,
      slicesRequestsPerSecond: [loginResult.requestsPerSecond],
      roundRatios: [loginResult.requestsPerSecond / rows[0].requestsPerSecond],
      ratioToOpen: loginResult.requestsPerSecond / rows[0].requestsPerSecond,
    });
    console.log(`\n${loadTable(rows)}\n`);

    log('Redis cost per operation');
    const meter = new RedisCostMeter(redis);
    await meter.start();
    const samples = options.smoke ? 2 : 5;
    const nothing = async (count: number) => Array.from({ length: count }, () => undefined);
    const freshSessions = (count: number) => Promise.all(Array.from({ length: count }, () => fixtures.startSession(user)));
    const get = (app: AppProcess, path: string, token: string) => async () => {
      await expectStatus(await fetch(`${app.url}${path}`, { headers: bearer(token) }), 200, `GET ${path}`);
    };
    const costs: RedisCost[] = [];
    costs.push(await meter.measure('authenticated request (default mode)', samples, nothing, get(sessionApp, '/guarded', userToken)));
    costs.push(await meter.measure('authenticated request (stateless mode)', samples, nothing, get(statelessApp, '/guarded', userToken)));
    costs.push(await meter.measure("@Roles('admin') request", samples, nothing, get(sessionApp, '/admin', adminToken)));
    costs.push(await meter.measure("AuthGuard('authkit-jwt') request", samples, nothing, get(sessionApp, '/passport', userToken)));
    costs.push(
      await meter.measure('login', options.smoke ? 1 : 3, nothing, async () => {
        await login(sessionApp, 'login@bench.test');
      }),
    );
    costs.push(
      await meter.measure('refresh', samples, freshSessions, async (pair) => {
        const response = await fetch(`${sessionApp.url}/auth/refresh`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ refreshToken: pair.refreshToken }) });
        await expectStatus(response, 200, 'refresh');
      }),
    );
    costs.push(
      await meter.measure('logout', samples, freshSessions, async (pair) => {
        await expectStatus(await fetch(`${sessionApp.url}/auth/logout`, { method: 'POST', headers: bearer(pair.accessToken) }), 204, 'logout');
      }),
    );
    for (const n of [1, fixtures.options.maxSessionsPerUser]) {
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
    meter.stop();

    log(`Redis memory per session (${options.memorySessions.join(' and ')} sessions)`);
    const memory: MemoryResult[] = [];
    const settleMs = options.smoke ? 100 : 1000;
    const scenarios: MemoryScenario[] = [
      { sessionsPerUser: 1 },
      { sessionsPerUser: 3 },
      { sessionsPerUser: 1, ip: IPV6_CLIENT_IP },
      { sessionsPerUser: 1, userAgent: null },
      { sessionsPerUser: 1, userAgentMode: 'full' },
    ];
    for (const scenario of scenarios) {
      memory.push(await measureSessionMemory(fixtures, redis, options.memorySessions, { ...scenario, settleMs }));
    }

    const results: BenchResults = {
      date: new Date().toISOString(),
      smoke: options.smoke,
      machine: await machine(redis),
      settings: {
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
        rounds: options.rounds,
      },
      rows,
      loginLoad: {
        background,
        loginConnections: LOGIN_CONNECTIONS,
        idle,
        duringLogins,
        overload: { loginConnections: connections, login: overloadResult, duringLogins: duringOverload },
      },
      redisCost: costs,
      memory,
      targets: targets(rows, costs, memory, duringLogins.latencyP99Ms),
    };
    const markdown = renderMarkdown(results);
    // BENCH_OUT_DIR: somewhere else than bench/ (trial runs that must not replace the published results).
    const outDir = process.env.BENCH_OUT_DIR || (options.smoke ? join(__dirname, '.tmp') : __dirname);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outDir, 'RESULTS.md'), markdown);
    console.log(markdown);

    const missed = results.targets.filter((t) => !t.met);
    // A smoke run is too short for ratios and too small for memory figures: it fails only on exact counts.
    const checked = options.smoke ? missed.filter((t) => t.kind === 'count') : missed;
    log(`wrote ${join(outDir, 'RESULTS.md')} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${results.targets.length - missed.length}/${results.targets.length} targets met`);
    if (checked.length) {
      log(`FAILED: ${checked.map((t) => t.name).join('; ')}`);
      exitCode = 1;
    }
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    redis.disconnect();
    await server.stop();
  }
  process.exitCode = exitCode;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
