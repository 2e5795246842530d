import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { type AppProcess, buildApp, startApp } from './support/app-process';
import { Fixtures, PASSWORD } from './support/fixtures';
import { bearer, login } from './support/http-client';
import { load } from './support/load';
import { log } from './support/log';
import { BenchRedisServer } from './support/redis-server';

/**
 * `npm run bench:cpu`: the app's CPU time per request of each route, where `npm run bench` gives requests/s.
 * On a shared machine requests/s move by several percent from one second to the next, while the CPU time a
 * process spends per request moves much less: this is the instrument for a guard's cost in microseconds
 * (it found the Express `request.user` cost, see bench/README.md). Both bench apps (session and stateless mode)
 * run side by side; each round loads every route of both for `--seconds` (50 connections), in an order that
 * alternates, and reads the app's user + system time from /proc (Linux only) before and after. Prints us/request,
 * req/s, and each route's us/request minus its app's `GET /`.
 */
const ROUTES = ['/', '/guarded', '/admin'] as const;

function cpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime) in clock ticks of 10 ms; the name (field 2) may hold spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`usage: npm run bench:cpu -- [--rounds <n>] [--seconds <s>] (${name}: a positive number)`);
  return value;
}

interface Slot {
  app: AppProcess;
  route: (typeof ROUTES)[number];
  headers: Record<string, string>;
  cpuMs: number;
  requests: number;
  seconds: number;
}

async function main(): Promise<void> {
  const rounds = argument('--rounds', 10);
  const seconds = argument('--seconds', 1.5);
  const secret = randomBytes(32).toString('base64url');
  const server = await BenchRedisServer.start();
  const redis = new Redis(server.url);
  const apps: AppProcess[] = [];
  try {
    log('compiling the bench app (tsc)');
    buildApp();
    const env = { REDIS_URL: server.url, BENCH_JWT_SECRET: secret };
    apps.push(...(await Promise.all([startApp('session', { ...env, BENCH_MODE: 'session' }), startApp('stateless', { ...env, BENCH_MODE: 'stateless' })])));
    const fixtures = new Fixtures(redis, secret);
    await fixtures.createUser('user@bench.test', PASSWORD, ['user']);
    await fixtures.createUser('admin@bench.test', PASSWORD, ['admin', 'user']);
    const user = bearer((await login(apps[0], 'user@bench.test')).accessToken);
    const admin = bearer((await login(apps[0], 'admin@bench.test')).accessToken);
    const slots: Slot[] = apps.flatMap((app) =>
      ROUTES.map((route) => ({ app, route, headers: route === '/admin' ? admin : user, cpuMs: 0, requests: 0, seconds: 0 })));
    log(`warm-up, then ${rounds} rounds of ${seconds} s per route and app`);
    for (const slot of slots) await load({ url: slot.app.url + slot.route, connections: 50, durationSeconds: 2, headers: slot.headers });
    for (let round = 0; round < rounds; round++) {
      for (const slot of round % 2 ? [...slots].reverse() : slots) {
        const before = cpuMs(slot.app.pid);
        const result = await load({ url: slot.app.url + slot.route, connections: 50, durationSeconds: seconds, headers: slot.headers });
        if (result.non2xx || result.errors) throw new Error(`${slot.app.name} ${slot.route}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        slot.cpuMs += cpuMs(slot.app.pid) - before;
        slot.requests += result.requests;
        slot.seconds += result.durationSeconds;
      }
    }
    const perRequest = (slot: Slot) => (slot.cpuMs * 1000) / slot.requests;
    console.log('\n| app | route | app CPU us/request | minus its `GET /` | req/s |\n|---|---|---:|---:|---:|');
    for (const slot of slots) {
      const open = slots.find((other) => other.app === slot.app && other.route === '/')!;
      const minus = slot === open ? '' : (perRequest(slot) - perRequest(open)).toFixed(1);
      console.log(`| ${slot.app.name} | \`GET ${slot.route}\` | ${perRequest(slot).toFixed(1)} | ${minus} | ${Math.round(slot.requests / slot.seconds).toLocaleString('en-US')} |`);
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
