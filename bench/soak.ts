/**
 * `npm run soak [-- --minutes N | --smoke]`: the mixed workload (login, refresh, guarded reads, logout, register)
 * against the compiled bench app, with faults injected into its redis-server between quiet phases: CLIENT PAUSE,
 * DEBUG SLEEP, Redis stopped and restarted, maxmemory reached. Prints per phase the app's heap after a full GC,
 * its event-loop delay and open fds, Redis' client connections, the status tallies, the recovery time after the
 * fault, and at the end a heap verdict (growth after warm-up or not) and a rotation audit (every refresh answer
 * checked against Redis: 0 lost, 0 doubled); exits 1 when the heap grew or the audit found a lost or doubled rotation.
 * How to read it: bench/README.md, "Soak".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { RedisKeys } from '../lib/adapters/redis/redis-keys';
import { type AppProcess, buildApp, startApp } from './support/app-process';
import { Fixtures, PASSWORD } from './support/fixtures';
import { type HeapSample, heapVerdict } from './support/heap-verdict';
import { bearer, JSON_HEADERS } from './support/http-client';
import { BenchRedisServer } from './support/redis-server';

const JWT_SECRET = 'soak-secret-that-is-long-enough-for-hs256-0123456789';
/**
 * The warm-up lasts until this many distinct access tokens were accepted by the guarded route, and at most 6
 * phases: more than the 1024 verified tokens `TokenService` remembers, so its bounded cache is full before the heap
 * is first sampled (on a loaded machine a 27 s warm-up verifies only a few hundred, and the cache filling afterwards
 * reads as growth).
 */
const WARM_UP_TOKENS = 1100;
const WARM_UP_MAX_PHASES = 6;
/**
 * The warm-up also runs each fault once, this briefly, then waits `WARM_UP_SETTLE_SECONDS`: the error paths (503s,
 * reconnection, the in-process fallbacks, store_full) are compiled and their structures made on first use, a
 * one-off cost (about 1 MB in 4- and 12-minute runs, all of it at the first of each fault, none after) that would
 * otherwise read as growth after warm-up.
 */
const WARM_UP_FAULT_SECONDS = 2;
const WARM_UP_SETTLE_SECONDS = 5;
const KEY_PREFIX = 'authkit';

interface Settings {
  minutes: number;
  clients: number;
  smoke: boolean;
}

function settings(argv: string[]): Settings {
  const smoke = argv.includes('--smoke');
  const at = argv.indexOf('--minutes');
  const minutes = smoke ? 0.75 : at >= 0 ? Number(argv[at + 1]) : 4;
  if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
  return { minutes, clients: smoke ? 6 : 12, smoke };
}

/** One simulated device: a session whose refresh token it rotates, and the answers it got. */
interface Client {
  email: string;
  userId: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  /** Distinct new refresh tokens this session was answered with (200s), for the audit. */
  rotations: Set<string>;
  /** Refreshes refused as reused/invalid/superseded with the token last answered: a lost rotation. */
  lost: number;
  /** False after a logout whose login again has not succeeded yet (a fault): the next step logs in. */
  signedIn: boolean;
  /** A logout got no 204 (503, no answer): Redis may still have applied it, so the session may be gone. */
  logoutUnsure: boolean;
}

interface Tally {
  statuses: Map<string, number>;
  requests: number;
  /** First 2xx of a Redis-dependent route after the fault ended (ms), if the phase had a fault. */
  recoveredAt?: number;
}

async function call(app: AppProcess, method: string, path: string, init: { json?: unknown; token?: string } = {}): Promise<{ status: number; body: any }> {
  try {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...(init.json === undefined ? {} : JSON_HEADERS), ...(init.token ? bearer(init.token) : {}) },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: 0, body: undefined }; // no answer (connection refused, timeout)
  }
}

const sessionIdOf = (accessToken: string): string => JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sid;

/** Logs the client in (a new session); the status (0: no answer). */
async function signIn(app: AppProcess, client: Client): Promise<number> {
  const res = await call(app, 'POST', '/auth/login', { json: { email: client.email, password: PASSWORD } });
  if (res.status !== 200) return res.status;
  Object.assign(client, { accessToken: res.body.accessToken, refreshToken: res.body.refreshToken, sessionId: sessionIdOf(res.body.accessToken), signedIn: true, logoutUnsure: false });
  client.rotations = new Set();
  return 200;
}

/** Distinct access tokens the guarded route accepted (each verified once, then remembered), for the warm-up. */
let tokensVerified = 0;
const lastVerified = new WeakMap<Client, string>();

/** One step of a client's loop; returns the route and status for the tally. */
async function step(app: AppProcess, client: Client, registrations: { next: number }): Promise<[string, number]> {
  if (!client.signedIn) return ['login', await signIn(app, client)];
  const pick = Math.random();
  if (pick < 0.55) {
    const res = await call(app, 'GET', '/guarded', { token: client.accessToken });
    if (res.status === 200 && lastVerified.get(client) !== client.accessToken) {
      lastVerified.set(client, client.accessToken);
      tokensVerified++;
    }
    // A logout answered 503 but applied by Redis ended the session: its access token is refused from then on.
    if (res.status === 401 && client.logoutUnsure) return ['guarded 401 (after an unanswered logout)', res.status];
    return ['guarded', res.status];
  }
  if (pick < 0.85) {
    const res = await call(app, 'POST', '/auth/refresh', { json: { refreshToken: client.refreshToken } });
    if (res.status === 200) {
      client.rotations.add(res.body.refreshToken);
      client.refreshToken = res.body.refreshToken;
      client.accessToken = res.body.accessToken;
    } else if (res.status === 401) {
      // The token last answered 200 refused: a lost rotation, unless a logout whose answer was lost ended the session.
      const ended = client.logoutUnsure && res.body?.code === 'refresh_token_invalid';
      if (!ended) client.lost += 1;
      client.signedIn = false;
      return [`refresh 401 ${res.body?.code}${ended ? ' (after an unanswered logout)' : ''}`, res.status];
    }
    // 503 or no answer: keep the presented token and retry it later (the answer may have been lost)
    return ['refresh', res.status];
  }
  if (pick < 0.93) {
    const res = await call(app, 'POST', '/auth/register', { json: { email: `soak-reg-${process.pid}-${registrations.next++}@bench.test`, password: PASSWORD } });
    return ['register', res.status];
  }
  // logout, then login again (a new session: its audit starts over)
  const unsure = client.logoutUnsure;
  const out = await call(app, 'POST', '/auth/logout', { token: client.accessToken });
  if (out.status === 204 || (out.status === 401 && unsure)) client.signedIn = false; // logs in again at its next step
  else client.logoutUnsure = true;
  if (out.status === 401 && unsure) return ['logout 401 (after an unanswered logout)', out.status];
  return ['logout', out.status];
}

/** Generation of a session from its head in Redis (`ca,r,g,...`), or undefined when it is gone. */
async function generation(redis: Redis, keys: RedisKeys, client: Client): Promise<number | undefined> {
  const head = await redis.hget(keys.sessions(client.userId), client.sessionId);
  return head ? Number(head.split(',')[2]) : undefined;
}

interface Fault {
  name: string;
  /** Starts the fault; resolves when it has ended (Redis serves again). */
  inject(ctx: { redis: () => Redis; server: BenchRedisServer; restart: () => Promise<void>; seconds: number }): Promise<void>;
}

const FAULTS: Fault[] = [
  { name: 'CLIENT PAUSE', inject: async ({ redis, seconds }) => {
    await redis().call('CLIENT', 'PAUSE', String(Math.round(seconds * 1000)), 'ALL');
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  } },
  { name: 'DEBUG SLEEP', inject: async ({ redis, seconds }) => void (await redis().call('DEBUG', 'SLEEP', String(seconds))) },
  { name: 'Redis stopped', inject: async ({ server, restart, seconds }) => {
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    await restart();
  } },
  { name: 'maxmemory reached', inject: async ({ redis, seconds }) => {
    const used = Number(/used_memory:(\d+)/.exec(await redis().info('memory'))?.[1] ?? 0);
    await redis().config('SET', 'maxmemory', String(Math.max(1, Math.floor(used / 2)))); // below what is used: writes refused (noeviction)
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    await redis().config('SET', 'maxmemory', '0');
  } },
];

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

async function main(): Promise<void> {
  const s = settings(process.argv.slice(2));
  const phases = ['warm-up', ...FAULTS.flatMap((f) => [f.name, `after ${f.name}`])];
  const phaseSeconds = (s.minutes * 60) / phases.length;
  const faultSeconds = Math.min(10, Math.max(1.5, phaseSeconds / 3));
  console.log(`soak: ${s.minutes} min, ${phases.length} phases of ${phaseSeconds.toFixed(1)} s, faults of ${faultSeconds.toFixed(1)} s, ${s.clients} clients`);

  buildApp();
  const dataDir = mkdtempSync(join(tmpdir(), 'authkit-soak-'));
  const redisArgs = ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir, '--enable-debug-command', 'local'];
  let server = await BenchRedisServer.start({ args: redisArgs });
  const port = server.port;
  const connect = () => new Redis(server.url, { maxRetriesPerRequest: 1 }).on('error', () => undefined);
  let admin = connect();
  const restart = async () => {
    server = await BenchRedisServer.start({ port, args: redisArgs });
    admin.disconnect();
    admin = connect();
  };
  const previousArgs = process.env.BENCH_APP_NODE_ARGS;
  process.env.BENCH_APP_NODE_ARGS = `${previousArgs ?? ''} --expose-gc`;
  const app = await startApp('soak', { REDIS_URL: server.url, BENCH_JWT_SECRET: JWT_SECRET, BENCH_REGISTER_PER_IP: '100000', BENCH_APP_LOG: 'error' });
  const fixtures = new Fixtures(new Redis(server.url), JWT_SECRET);
  const keys = new RedisKeys(KEY_PREFIX);
  const clients: Client[] = [];
  try {
    for (let i = 0; i < s.clients; i++) {
      const user = await fixtures.createUser(`soak-${i}@bench.test`, PASSWORD, ['user']);
      const client: Client = {
        email: user.email as string, userId: user.id, sessionId: '', accessToken: '', refreshToken: '', rotations: new Set(), lost: 0, signedIn: false, logoutUnsure: false,
      };
      if ((await signIn(app, client)) !== 200) throw new Error('soak: the first login failed');
      clients.push(client);
    }
    fixtures.redis.disconnect();
    const registrations = { next: 0 };
    const heaps: HeapSample[] = [];
    let allAfterGc = true;
    let running = true;
    let tally: Tally = { statuses: new Map(), requests: 0 };
    let faultEndedAt: number | undefined;
    const loops = clients.map(async (client) => {
      while (running) {
        const [route, status] = await step(app, client, registrations);
        tally.requests++;
        const label = route.includes(' ') ? route : `${route} ${status}`;
        tally.statuses.set(label, (tally.statuses.get(label) ?? 0) + 1);
        if (faultEndedAt !== undefined && tally.recoveredAt === undefined && !route.startsWith('register') && status >= 200 && status < 300) {
          tally.recoveredAt = Date.now() - faultEndedAt;
        }
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
      }
    });
    await app.stats(); // resets the event-loop histogram
    for (const phase of phases) {
      tally = { statuses: new Map(), requests: 0 };
      faultEndedAt = undefined;
      const started = Date.now();
      const fault = FAULTS.find((f) => f.name === phase);
      if (fault) {
        await fault.inject({ redis: () => admin, server, restart, seconds: faultSeconds });
        faultEndedAt = Date.now();
      }
      const left = phaseSeconds * 1000 - (Date.now() - started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      if (phase === 'warm-up' && !s.smoke) {
        while (tokensVerified < WARM_UP_TOKENS && Date.now() - started < WARM_UP_MAX_PHASES * phaseSeconds * 1000) await new Promise((resolve) => setTimeout(resolve, 500));
        const verified = tokensVerified;
        for (const warm of FAULTS) {
          await warm.inject({ redis: () => admin, server, restart, seconds: WARM_UP_FAULT_SECONDS });
          await new Promise((resolve) => setTimeout(resolve, WARM_UP_SETTLE_SECONDS * 1000));
        }
        console.log(`warm-up: ${((Date.now() - started) / 1000).toFixed(1)} s, ${verified} distinct access tokens verified (until ${WARM_UP_TOKENS}, ` +
          `at most ${WARM_UP_MAX_PHASES} phases), then each fault once for ${WARM_UP_FAULT_SECONDS} s (${FAULTS.map((f) => f.name).join(', ')})`);
      }
      const stats = await app.stats();
      const connections = Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))?.[1] ?? 0) - 1; // minus this admin
      const statuses = [...tally.statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`).join(', ');
      const recovery = fault ? `recovery ${tally.recoveredAt === undefined ? 'NONE' : `${(tally.recoveredAt / 1000).toFixed(2)} s`}` : '';
      const row = `${phase.padEnd(24)} ${String(tally.requests).padStart(6)} req  heap ${mb(stats.heapUsed)} MB${stats.gc ? ' (after GC)' : ''}  ` +
        `loop p99 ${stats.loopDelayP99Ms.toFixed(1)} ms max ${stats.loopDelayMaxMs.toFixed(1)} ms  fds ${stats.fds}  redis conns ${connections}  ${recovery}\n    ${statuses}`;
      console.log(row);
      heaps.push({ at: Date.now(), bytes: stats.heapUsed });
      allAfterGc &&= stats.gc;
    }
    running = false;
    await Promise.all(loops);
    // A last refresh per client with the token it holds: a rotation whose answer was lost (a 503 the client has
    // not retried yet) is answered now, so the audit counts what the client was told.
    for (const client of clients) {
      if (!client.signedIn) await signIn(app, client);
      const res = await call(app, 'POST', '/auth/refresh', { json: { refreshToken: client.refreshToken } });
      if (res.status === 200) {
        client.rotations.add(res.body.refreshToken);
        client.refreshToken = res.body.refreshToken;
      } else if (res.status === 401) client.lost += 1;
    }

    // Rotation audit: each live session's generation is 1 + the distinct new tokens it was answered with.
    let doubled = 0;
    let missing = 0;
    let audited = 0;
    for (const client of clients) {
      const g = await generation(admin, keys, client);
      if (g === undefined) {
        missing++;
        continue;
      }
      audited++;
      if (g !== 1 + client.rotations.size) doubled++;
    }
    const [first, last] = [heaps[0], heaps[heaps.length - 1]];
    const perMinute = ((last.bytes - first.bytes) / ((last.at - first.at) / 60_000)) / 1024 / 1024;
    console.log(`heap after GC, end of warm-up -> end: ${mb(first.bytes)} -> ${mb(last.bytes)} MB (${perMinute >= 0 ? '+' : ''}${perMinute.toFixed(2)} MB/min)`);
    const heap = heapVerdict(heaps, s.smoke ? '--smoke: too short' : allAfterGc ? undefined : 'the app ran without --expose-gc');
    console.log(heap.line);
    const lost = clients.reduce((sum, c) => sum + c.lost, 0);
    const rotations = clients.reduce((sum, c) => sum + c.rotations.size, 0);
    console.log(`rotation audit: ${audited} live sessions, ${rotations} rotations answered since their login; lost ${lost}, doubled ${doubled}, sessions gone ${missing}`);
    if (lost > 0 || doubled > 0 || missing > 0 || heap.grew) process.exitCode = 1;
  } finally {
    await app.stop();
    admin.disconnect();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.env.BENCH_APP_NODE_ARGS = previousArgs;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
