import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { type AppProcess, buildApp, startApp } from './support/app-process';
import { BETTER_AUTH_MEMORY_SCENARIOS, BetterAuthSide } from './support/better-auth';
import { Fixtures, PASSWORD } from './support/fixtures';
import { bearer, expectStatus, login } from './support/http-client';
import { RedisCostMeter } from './support/redis-cost';
import { LOGIN_CONNECTIONS, measureLoginLoad } from './support/login-load';
import { log } from './support/log';
import { MfaBench, mfaTargets, mfaUserCount } from './support/mfa';
import { describeMachine } from './support/machine';
import { MEMORY_SCENARIOS, measureSessionMemory, type MemoryResult } from './support/memory';
import { measureOperationCosts } from './support/operation-costs';
import { type BenchOptions, parseOptions } from './support/options';
import { BenchRedisCluster } from './support/redis-cluster';
import { BenchRedisServer } from './support/redis-server';
import { RefreshPool } from './support/refresh-pool';
import { type BenchResults, costTable, loadTable, renderMarkdown, targetTable } from './support/report';
import { measureRounds } from './support/rounds';
import { benchRoutes, type Route, variantApp } from './support/routes';
import { roundRows } from './support/rows';
import { benchTargets } from './support/targets';

/**
 * `npm run bench`: one run, one table. Starts redis-server and a Redis Cluster (3 masters + 3 replicas,
 * bench/support/redis-cluster.ts), five bench apps (default and stateless mode, default mode on the cluster, on
 * Fastify, and with the mfa option) and three Better Auth apps (bench/app/better-auth/: the side-by-side rows), each in its
 * own process, drives them with autocannon from this process, then counts Redis commands per operation and Redis
 * bytes per session, and writes bench/results.json and bench/RESULTS.md. This file only orders the steps; each lives
 * in bench/support/ (rows 1-6 and their variants 1c-6c, 1f-6f: routes.ts, rounds.ts, rows.ts; row 7: login-load.ts;
 * the MFA rows 1m, 2m, 8, 8v, their costs and targets: mfa.ts;
 * Better Auth's rows, costs and memory: better-auth.ts; Redis cost: operation-costs.ts; memory: memory.ts; targets:
 * targets.ts; RESULTS.md: report.ts, variant-report.ts).
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options.only === 'mfa') return mfaOnly(options);
  const started = Date.now();
  const jwtSecret = randomBytes(32).toString('base64url');
  const mfaKey = randomBytes(32);
  const [server, redisCluster] = await Promise.all([BenchRedisServer.start(), BenchRedisCluster.start()]);
  const redis = new Redis(server.url, { lazyConnect: false });
  const clusterNodes = redisCluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  const clusterRedis = new Cluster(clusterNodes);
  const apps: AppProcess[] = [];
  let betterAuth: BetterAuthSide | undefined;
  try {
    log(`redis-server on ${server.url}, a Redis Cluster on ${redisCluster.addresses}; compiling the bench app (tsc)`);
    buildApp();
    log('starting the bench apps');
    const env = { REDIS_URL: server.url, BENCH_JWT_SECRET: jwtSecret };
    const [sessionApp, statelessApp, clusterApp, fastifyApp, mfaApp, organizationsApp, side] = await Promise.all([
      startApp('session', { ...env, BENCH_MODE: 'session' }),
      startApp('stateless', { ...env, BENCH_MODE: 'stateless' }),
      startApp('cluster', { ...env, BENCH_MODE: 'session', REDIS_CLUSTER_NODES: redisCluster.addresses }),
      startApp('fastify', { ...env, BENCH_MODE: 'session', BENCH_PLATFORM: 'fastify' }),
      startApp('mfa', { ...env, BENCH_MODE: 'session', BENCH_MFA_KEY: mfaKey.toString('base64') }),
      // Redis costs only: the session-mode app with organizations on (an @OrgRoles request against a plain guarded one).
      startApp('organizations', { ...env, BENCH_MODE: 'session', BENCH_ORGANIZATIONS: '1' }),
      BetterAuthSide.start(server.url),
    ]);
    apps.push(sessionApp, statelessApp, clusterApp, fastifyApp, mfaApp, organizationsApp);
    betterAuth = side;
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
    const refreshPool = new RefreshPool(fixtures, options.connections);
    await refreshPool.fill();
    // Rows 1c, 2c, 6c: the same user and a refresh pool on the cluster. Rows 1f, 2f, 6f: a refresh pool of their own.
    const clusterFixtures = new Fixtures(clusterRedis, jwtSecret);
    await clusterFixtures.createUser('user@bench.test', PASSWORD, ['user']);
    const cluster = await variantApp(clusterApp, clusterFixtures, options.connections);
    const fastify = await variantApp(fastifyApp, fixtures, options.connections);
    // Better Auth: the same accounts, and 16 sessions (smoke: 2) to extend on its refresh row's app.
    await betterAuth.prepare(loginEmails, options.smoke ? 2 : 16);
    // Rows 2m, 8, 8v: users with TOTP on, signed in on the MFA app.
    const mfa = new MfaBench(mfaApp, fixtures, mfaKey);
    await mfa.prepare(mfaUserCount(options.smoke));
    const mfaToken = (await mfa.signIn()).accessToken as string;
    // Row 2k: an API key of the same user, made through the route (the login above is a recent sign-in).
    const keyResponse = await fetch(`${sessionApp.url}/auth/api-keys`, {
      method: 'POST', headers: { ...bearer(userToken), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }),
    });
    await expectStatus(keyResponse, 201, 'POST /auth/api-keys');
    const apiKey = ((await keyResponse.json()) as { key: string }).key;
    const allRoutes = [...benchRoutes({ sessionApp, statelessApp, userToken, apiKey, adminToken, recipeToken, refreshPool, cluster, fastify }), ...betterAuth.routes()];
    allRoutes.splice(allRoutes.findIndex((route) => route.id === '4') + 1, 0, ...mfa.guardedRoutes(mfaToken));

    const routes = options.rows ? withCeilings(allRoutes, options.rows) : allRoutes;
    // Every route answers correctly once before anything is measured.
    for (const route of routes.filter((r) => !r.spec.requests)) {
      await expectStatus(await fetch(route.spec.url, { headers: route.spec.headers }), 200, `row ${route.id}`);
    }

    const rows = roundRows(routes, await measureRounds(routes, options));
    if (options.rows) {
      console.log(`\n${loadTable(rows)}\n`);
      return;
    }
    log('row 7: POST /auth/login, with GET / traffic alongside');
    const { row: loginRow, loginLoad } = await measureLoginLoad(sessionApp, loginEmails, options, rows[0].requestsPerSecond);
    rows.push(loginRow);
    log('row b7: Better Auth POST /api/auth/sign-in/email');
    rows.push(await betterAuth.measureSignIn(loginEmails, options, rows[0].requestsPerSecond));
    // After b7, which runs right after row 7 and like it.
    log('rows 8 and 8v: POST /auth/login + POST /auth/mfa/verify');
    rows.push(...(await mfa.measureRows(LOGIN_CONNECTIONS, options.durationSeconds, options.warmupSeconds, rows[0].requestsPerSecond)));
    console.log(`\n${loadTable(rows)}\n`);

    log('Redis cost per operation');
    const costs = await measureOperationCosts({ redis, fixtures, sessionApp, statelessApp, organizationsApp, user, userToken, apiKey, adminToken, smoke: options.smoke, betterAuth, mfa });

    log(`Redis memory per session (${options.memorySessions.join(' and ')} sessions${options.memoryLargeSessions ? `; the default scenario also ${options.memoryLargeSessions}` : ''})`);
    const memory: MemoryResult[] = [];
    const settleMs = options.smoke ? 100 : 1000;
    for (const [i, scenario] of MEMORY_SCENARIOS.entries()) {
      // The first scenario is the default one (IPv4, browser user agent, 1 session per user): it gets the large point.
      const counts = i === 0 && options.memoryLargeSessions ? [...options.memorySessions, options.memoryLargeSessions] : options.memorySessions;
      const result = await measureSessionMemory(fixtures, redis, counts, { ...scenario, settleMs });
      memory.push(result);
      if (counts.length > 2) {
        const large = result.points[result.points.length - 1];
        log(`${large.sessions} sessions made and rotated in ${large.createSeconds?.toFixed(1)} s (after the smaller points); ${large.bytesPerSession.toFixed(0)} bytes/session`);
        await redis.flushall();
      }
    }
    const betterAuthMemory: MemoryResult[] = [];
    for (const scenario of BETTER_AUTH_MEMORY_SCENARIOS) {
      betterAuthMemory.push(await betterAuth.measureMemory(redis, options.betterAuthMemorySessions, { ...scenario, settleMs }));
    }

    const results: BenchResults = {
      date: new Date().toISOString(),
      smoke: options.smoke,
      machine: await describeMachine(redis),
      settings: {
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
        rounds: options.rounds,
      },
      rows,
      loginLoad,
      redisCost: costs,
      memory,
      betterAuthMemory,
      targets: [...benchTargets(rows, costs, memory, loginLoad.duringLogins.latencyP99Ms, betterAuthMemory), ...mfaTargets(rows, costs)],
    };
    process.exitCode = writeResults(results, options, started);
  } finally {
    await Promise.all([...apps.map((app) => app.stop()), betterAuth?.stop()]);
    redis.disconnect();
    clusterRedis.disconnect();
    await Promise.all([server.stop(), redisCluster.stop()]);
  }
}

/** The routes named in `ids`, and the rows they are measured against, in measurement order (the first is row 1). */
function withCeilings(routes: Route[], ids: string[]): Route[] {
  const wanted = new Set(ids);
  for (const route of routes) if (wanted.has(route.id) && route.ceiling) wanted.add(route.ceiling);
  const unknown = ids.filter((id) => !routes.some((route) => route.id === id));
  if (unknown.length) throw new Error(`--rows: no row ${unknown.join(', ')}`);
  return routes.filter((route) => wanted.has(route.id) || route.id === '1');
}

/** Writes results.json and RESULTS.md, prints the markdown; the exit code: 1 when a checked target is missed. */
function writeResults(results: BenchResults, options: BenchOptions, started: number): number {
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
  if (!checked.length) return 0;
  log(`FAILED: ${checked.map((t) => t.name).join('; ')}`);
  return 1;
}

/**
 * `npm run bench -- --only mfa`: the MFA rows alone, for work on the MFA feature (a full run takes ~25 minutes): the
 * default-mode app and the MFA app on one redis-server; rows 1, 2, 1m and 2m, rows 8 and 8v, the
 * Redis costs of a guarded request on both apps, of the MFA login and of the verify, and the MFA targets. Writes
 * bench/.tmp/mfa/ (BENCH_OUT_DIR elsewhere), never RESULTS.md.
 */
async function mfaOnly(options: BenchOptions): Promise<void> {
  const jwtSecret = randomBytes(32).toString('base64url');
  const mfaKey = randomBytes(32);
  const server = await BenchRedisServer.start();
  const redis = new Redis(server.url, { lazyConnect: false });
  const apps: AppProcess[] = [];
  try {
    buildApp();
    const env = { REDIS_URL: server.url, BENCH_JWT_SECRET: jwtSecret, BENCH_MODE: 'session' };
    apps.push(...(await Promise.all([startApp('session', env), startApp('mfa', { ...env, BENCH_MFA_KEY: mfaKey.toString('base64') })])));
    const [sessionApp, mfaApp] = apps;
    const fixtures = new Fixtures(redis, jwtSecret);
    await fixtures.createUser('user@bench.test', PASSWORD, ['user']);
    const userToken = (await login(sessionApp, 'user@bench.test')).accessToken;
    const mfa = new MfaBench(mfaApp, fixtures, mfaKey);
    await mfa.prepare(mfaUserCount(options.smoke));
    const mfaToken = (await mfa.signIn()).accessToken as string;
    // Rows 1 and 2 as the full run has them (same app, same token), then 1m and 2m alike on the MFA app.
    const routes: Route[] = [
      { id: '1', route: '`GET /` open route (`@Public()`), same `Authorization` header as row 2: the ceiling', app: sessionApp, spec: { url: `${sessionApp.url}/`, headers: bearer(userToken) } },
      { id: '2', route: '`GET /guarded` `AccessTokenGuard`, default mode', app: sessionApp, ceiling: '1', spec: { url: `${sessionApp.url}/guarded`, headers: bearer(userToken) } },
    ];
    routes.push(...mfa.guardedRoutes(mfaToken));
    const rows = roundRows(routes, await measureRounds(routes, options));
    log('rows 8 and 8v: POST /auth/login + POST /auth/mfa/verify');
    rows.push(...(await mfa.measureRows(LOGIN_CONNECTIONS, options.durationSeconds, options.warmupSeconds, rows[0].requestsPerSecond)));
    const meter = new RedisCostMeter(redis);
    await meter.start();
    const samples = options.smoke ? 2 : 5;
    const costs = [
      await meter.measure('authenticated request (default mode)', samples, async (n) => Array.from({ length: n }, () => undefined), async () => {
        await expectStatus(await fetch(`${sessionApp.url}/guarded`, { headers: bearer(userToken) }), 200, 'GET /guarded');
      }),
      ...(await mfa.measureCosts(meter, samples)),
    ];
    meter.stop();
    const targets = mfaTargets(rows, costs);
    const markdown = `# MFA rows (\`npm run bench -- --only mfa\`), ${new Date().toISOString()}\n\n${loadTable(rows)}\n\n${costTable(costs)}\n\n${targetTable(targets)}\n`;
    const outDir = process.env.BENCH_OUT_DIR || join(__dirname, '.tmp', 'mfa');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), settings: options, rows, redisCost: costs, targets }, null, 2)}\n`);
    writeFileSync(join(outDir, 'RESULTS.md'), markdown);
    console.log(markdown);
    const missed = targets.filter((t) => !t.met && (!options.smoke || t.kind === 'count'));
    if (missed.length) log(`FAILED: ${missed.map((t) => t.name).join('; ')}`);
    process.exitCode = missed.length ? 1 : 0;
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    redis.disconnect();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
