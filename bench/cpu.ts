import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type autocannon from 'autocannon';
import { type AppProcess, buildApp, buildBaseline, startApp } from './support/app-process';
import { Fixtures, PASSWORD } from './support/fixtures';
import { bearer, login } from './support/http-client';
import { load } from './support/load';
import { log } from './support/log';
import { BenchRedisServer } from './support/redis-server';
import { RefreshPool } from './support/refresh-pool';

/**
 * `npm run bench:cpu`: the app's CPU time per request of each route, where `npm run bench` gives requests/s.
 * On a shared machine requests/s move by several percent from one second to the next, while the CPU time a
 * process spends per request moves much less: this is the instrument for a guard's cost in microseconds
 * (it found the Express `request.user` cost, see bench/README.md). Both bench apps (session and stateless mode)
 * run side by side; each round loads every route of both for `--seconds` (50 connections), in an order that
 * alternates, and reads the app's user + system time from /proc (Linux only) before and after. Prints us/request,
 * req/s, and each route's us/request minus its app's `GET /`. `POST /auth/refresh` is row 6's real rotation (a
 * token pool per app, as `npm run bench` makes it). `--baseline <git ref>` also runs the apps built from that
 * commit, in the same rounds (an A/B of two builds); `--modes` and `--routes` narrow the run (`GET /` always runs).
 */
const ROUTES = ['/', '/guarded', '/keyed', '/admin', '/auth/refresh'] as const;
type Route = (typeof ROUTES)[number];
const CONNECTIONS = 50;
const MODES = ['session', 'stateless'] as const;

function cpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime) in clock ticks of 10 ms; the name (field 2) may hold spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const USAGE = 'usage: npm run bench:cpu -- [--rounds <n>] [--seconds <s>] [--baseline <git ref>] [--modes session,stateless] [--routes /,/guarded,/keyed,/admin,/auth/refresh]';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${USAGE} (${name}: a positive number)`);
  return value;
}

function textArgument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  if (at < 0) return undefined;
  const value = process.argv[at + 1];
  if (!value || value.startsWith('--')) throw new Error(`${USAGE} (${name}: a value)`);
  return value;
}

function listArgument<T extends string>(name: string, known: readonly T[]): T[] {
  const value = textArgument(name);
  if (value === undefined) return [...known];
  const picked = value.split(',');
  const unknown = picked.filter((item) => !known.includes(item as T));
  if (unknown.length) throw new Error(`${USAGE} (${name}: unknown ${unknown.join(', ')})`);
  return known.filter((item) => picked.includes(item));
}

interface Slot {
  app: AppProcess;
  route: Route;
  headers: Record<string, string>;
  /** The refresh row's pool (topped up before each load). */
  pool?: RefreshPool;
  cpuMs: number;
  /** redis-server's CPU time over the slot's loads (one server for every app; nothing else loads it meanwhile). */
  redisCpuMs: number;
  requests: number;
  seconds: number;
}

async function loadSlot(slot: Slot, durationSeconds: number) {
  if (!slot.pool) return load({ url: slot.app.url + slot.route, connections: CONNECTIONS, durationSeconds, headers: slot.headers });
  await slot.pool.fill();
  const requests: autocannon.Request[] = slot.pool.requests();
  return load({ url: slot.app.url + slot.route, connections: CONNECTIONS, durationSeconds, method: 'POST', requests });
}

async function main(): Promise<void> {
  const rounds = argument('--rounds', 10);
  const seconds = argument('--seconds', 1.5);
  const baseline = textArgument('--baseline');
  const modes = listArgument('--modes', MODES);
  const routes = [...new Set<Route>(['/', ...listArgument('--routes', ROUTES)])];
  const secret = randomBytes(32).toString('base64url');
  const server = await BenchRedisServer.start();
  const redis = new Redis(server.url);
  const apps: AppProcess[] = [];
  try {
    log('compiling the bench app (tsc)');
    buildApp();
    const builds: Array<{ suffix: string; entry?: string }> = [{ suffix: '' }];
    if (baseline) {
      log(`compiling the bench app as of ${baseline} (tsc)`);
      builds.push({ suffix: `@${baseline}`, entry: buildBaseline(baseline) });
    }
    const env = { REDIS_URL: server.url, BENCH_JWT_SECRET: secret };
    apps.push(...(await Promise.all(builds.flatMap((build) =>
      modes.map((mode) => startApp(`${mode}${build.suffix}`, { ...env, BENCH_MODE: mode }, build.entry))))));
    const fixtures = new Fixtures(redis, secret);
    await fixtures.createUser('user@bench.test', PASSWORD, ['user']);
    await fixtures.createUser('admin@bench.test', PASSWORD, ['admin', 'user']);
    const user = bearer((await login(apps[0], 'user@bench.test')).accessToken);
    const admin = bearer((await login(apps[0], 'admin@bench.test')).accessToken);
    // `/keyed` (row 2k): an API key of the same user, made through the route (the login is a recent sign-in).
    const keyResponse = await fetch(`${apps[0].url}/auth/api-keys`, { method: 'POST', headers: { ...user, 'content-type': 'application/json' }, body: '{"name":"cpu"}' });
    const apiKey = bearer(((await keyResponse.json()) as { key: string }).key);
    const slots: Slot[] = apps.flatMap((app, a) =>
      routes.map((route) => ({
        app, route, headers: route === '/admin' ? admin : route === '/keyed' ? apiKey : user, cpuMs: 0, redisCpuMs: 0, requests: 0, seconds: 0,
        pool: route === '/auth/refresh' ? new RefreshPool(fixtures, CONNECTIONS, `cpu${a}-`) : undefined,
      })));
    log(`warm-up, then ${rounds} rounds of ${seconds} s per route and app (${slots.length} slots)`);
    for (const slot of slots) await loadSlot(slot, 2);
    for (let round = 0; round < rounds; round++) {
      for (const slot of round % 2 ? [...slots].reverse() : slots) {
        if (slot.pool) await slot.pool.fill();
        const before = cpuMs(slot.app.pid);
        const redisBefore = cpuMs(server.pid);
        const result = await loadSlot(slot, seconds);
        if (result.non2xx || result.errors) throw new Error(`${slot.app.name} ${slot.route}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        slot.cpuMs += cpuMs(slot.app.pid) - before;
        slot.redisCpuMs += cpuMs(server.pid) - redisBefore;
        slot.requests += result.requests;
        slot.seconds += result.durationSeconds;
      }
    }
    const perRequest = (slot: Slot) => (slot.cpuMs * 1000) / slot.requests;
    console.log('\n| app | route | app CPU us/request | minus its `GET /` | Redis CPU us/request | req/s |\n|---|---|---:|---:|---:|---:|');
    for (const slot of slots) {
      const open = slots.find((other) => other.app === slot.app && other.route === '/')!;
      const minus = slot === open ? '' : (perRequest(slot) - perRequest(open)).toFixed(1);
      console.log(`| ${slot.app.name} | \`${slot.pool ? 'POST' : 'GET'} ${slot.route}\` | ${perRequest(slot).toFixed(1)} | ${minus} | ${((slot.redisCpuMs * 1000) / slot.requests).toFixed(1)} | ${Math.round(slot.requests / slot.seconds).toLocaleString('en-US')} |`);
    }
    console.log(`\n${(rounds * seconds).toFixed(0)} s per route. On the 2 shared cores of the machine this was written on, the differences moved by`
      + ' about 3 us from one run to the next: repeat a run before reading anything into a few microseconds.');
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
