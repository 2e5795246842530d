import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { RedisDurability } from '../../lib/adapters/redis/redis.options';
import { RedisClusterTopology } from '../support/redis-cluster';
import { RedisSentinelTopology, SENTINEL_MASTER_NAME } from '../support/redis-sentinel';
import { favourThisProcess } from '../support/priority';
import type { RedisServer } from '../support/redis-server';
import { clusterTopology, type RedisTopology, sentinelTopology } from '../support/redis-topologies';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';
import { sleep } from '../support/time';

/**
 * Failover under load: while virtual users refresh and call a guarded route, the master is killed (SIGKILL),
 * a replica is promoted, the old master comes back as a replica; repeated `AUTHKIT_FAILOVERS` times (default
 * 2 per topology; the acceptance run used 20). Two apps run side by side on the same Redis, one per durability
 * mode, so every failover measures both.
 *
 * Checked for both modes: every response is 200, 503 or a counted 401 (never another 5xx), none takes more
 * than 2 s, and after each promotion every user gets 200 again without restarting anything. A refresh token
 * the client was handed in a 200 and the server no longer knows (401 `refresh_token_reused`/`invalid`) is a
 * lost acknowledged rotation: 0 allowed with `durability: 'replicated'`, counted with 'acknowledged'. A 401
 * `refresh_token_superseded` (a rotation applied whose answer was lost) is counted apart and reported.
 *
 * The servers run with `min-replicas-to-write 1` (the server-side half of 'replicated', see docs/redis-and-scale-out.md): a
 * promoted master without a replica yet refuses writes instead of applying a rotation it cannot confirm.
 */
const FAILOVERS = Number(process.env.AUTHKIT_FAILOVERS ?? 2);
const USERS_PER_APP = 6;
const PASSWORD = 'failover password';
const SLOW_MS = 2000;

interface Outcome {
  statuses: Map<number, number>;
  slow: number;
  /** 401s other than `refresh_token_superseded`: the server does not know the token the client was handed. */
  lost: number;
  /**
   * 401 `refresh_token_superseded`: a rotation whose answer never reached the client (503, a reply lost with the
   * dying master, a command ioredis re-sent) was applied, so the token the client holds is now the previous one
   * and the retry counts as a duplicate. No acknowledged write is lost, but the client must sign in again.
   */
  superseded: number;
  maxMs: number;
  refreshMs: number[];
  /** `code`s of the 401s (what a lost rotation looks like to the client). */
  codes: string[];
}

interface VirtualUser {
  id: string;
  /** The last refresh token refused with 401 (each refused token is counted once, not per retry). */
  refused?: string;
  email: string;
  refreshToken: string;
  accessToken: string;
}

interface Side {
  durability: RedisDurability;
  app: TestApp;
  users: VirtualUser[];
  outcome: Outcome;
}

function record(outcome: Outcome, status: number, ms: number): void {
  outcome.statuses.set(status, (outcome.statuses.get(status) ?? 0) + 1);
  if (ms > SLOW_MS) outcome.slow += 1;
  outcome.maxMs = Math.max(outcome.maxMs, ms);
}

async function timed(side: Side, method: string, path: string, init: Parameters<typeof http>[3]) {
  const started = performance.now();
  const res = await http(side.app.url, method, path, { ...init, timeoutMs: 5000 }).catch(() => ({ status: 0, body: undefined }));
  const ms = performance.now() - started;
  record(side.outcome, res.status, ms);
  return { ...res, ms };
}

/** One step of a virtual user: refresh, then the guarded route with the new access token. */
async function step(side: Side, user: VirtualUser, measure: boolean): Promise<void> {
  const refreshed = await timed(side, 'POST', '/auth/refresh', { json: { refreshToken: user.refreshToken } });
  if (refreshed.status === 200) {
    if (measure) side.outcome.refreshMs.push(refreshed.ms);
    user.refreshToken = refreshed.body.refreshToken;
    user.accessToken = refreshed.body.accessToken;
  } else if (refreshed.status === 401) {
    // The token this client was handed in a 200 is refused: lost, or superseded by an unanswered rotation.
    if (user.refused !== user.refreshToken) {
      if (refreshed.body?.code === 'refresh_token_superseded') side.outcome.superseded += 1;
      else side.outcome.lost += 1;
    }
    user.refused = user.refreshToken;
    side.outcome.codes.push(`${refreshed.body?.code} at ${new Date().toISOString().slice(11, 23)}`);
    const login = await timed(side, 'POST', '/auth/login', { json: { email: user.email, password: PASSWORD } });
    if (login.status === 200) {
      user.refreshToken = login.body.refreshToken;
      user.accessToken = login.body.accessToken;
    }
    return;
  }
  // 503: keep the old token and retry it next time (a rotation applied but not confirmed is answered again).
  await timed(side, 'GET', '/profile', { token: user.accessToken });
}

async function load(sides: Side[], until: () => boolean, measure = false): Promise<void> {
  await Promise.all(
    sides.flatMap((side) =>
      side.users.map(async (user) => {
        while (!until()) await step(side, user, measure);
      }),
    ),
  );
}

/**
 * Every user of every side is served again, retried for up to `withinMs`: the guarded route (a read on the
 * promoted master) answers 200, and with `writes` a refresh does too.
 */
async function everyoneServed(sides: Side[], withinMs: number, writes: boolean): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (const side of sides) {
    for (const user of side.users) {
      for (;;) {
        let ok = true;
        if (writes) {
          const tokenBefore = user.refreshToken;
          const refused = side.outcome.lost + side.outcome.superseded;
          await step(side, user, false);
          ok = side.outcome.lost + side.outcome.superseded === refused && user.refreshToken !== tokenBefore;
        }
        if (ok) ok = (await timed(side, 'GET', '/profile', { token: user.accessToken })).status === 200;
        if (ok) break;
        if (Date.now() > deadline) return false;
        await sleep(100);
      }
    }
  }
  return true;
}

interface FailoverTarget {
  /** Starts its own topology (the shared one is not disturbed). */
  start(): Promise<{ topology: RedisTopology; killMaster(keysBySide: string[][], round: number): Promise<RedisServer>; recover(killed: RedisServer): Promise<void>; stop(): Promise<void> }>;
}

const targets: Record<'cluster' | 'sentinel', FailoverTarget> = {
  cluster: {
    async start() {
      const cluster = await RedisClusterTopology.start({ minReplicasToWrite: 1 });
      return {
        topology: clusterTopology(cluster.addresses),
        async killMaster(keysBySide, round) {
          // A master that serves users of every side (both durability modes feel the kill), a different one each round.
          const mastersBySide = await Promise.all(keysBySide.map((keys) => Promise.all(keys.map((key) => cluster.masterOf(key)))));
          const candidates = (await cluster.masters()).filter((m) => mastersBySide.every((masters) => masters.includes(m)));
          if (candidates.length === 0) throw new Error('no master serves users of both apps (a rare draw of user ids): run again');
          const master = candidates[round % candidates.length];
          const key = keysBySide[0][mastersBySide[0].indexOf(master)];
          await master.stop();
          // Promoted: no slot is served by the killed node any more.
          for (let i = 0; i < 300 && (await cluster.masterOf(key).catch(() => master)) === master; i++) await sleep(50);
          return master;
        },
        async recover(killed) {
          await killed.start();
          await cluster.waitHealthy();
        },
        stop: () => cluster.stop(),
      };
    },
  },
  sentinel: {
    async start() {
      const sentinel = await RedisSentinelTopology.start({ minReplicasToWrite: 1 });
      return {
        topology: sentinelTopology(sentinel.addresses, SENTINEL_MASTER_NAME),
        async killMaster() {
          const master = await sentinel.master();
          await master.stop();
          for (let i = 0; i < 600 && (await sentinel.masterPort().catch(() => master.port)) === master.port; i++) await sleep(50);
          return master;
        },
        async recover(killed) {
          await killed.start();
          // Back as a master (of nothing) when it was one: the Sentinels would make it a replica of the promoted one 8
          // to 18 s from now (they read a replica's INFO every 10 s, then wait 8 s); do what they would do, now.
          const promoted = await sentinel.masterPort();
          const client = new Redis(killed.port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
          try {
            if (/role:master/.test(await client.info('replication'))) await client.call('REPLICAOF', '127.0.0.1', String(promoted));
          } finally {
            client.disconnect();
          }
          await sentinel.waitHealthy(60_000);
        },
        stop: () => sentinel.stop(),
      };
    },
  },
};

// Its latencies are the library's, not those of the run's CPU-bound suites beside it (see test/support/priority.ts).
let restorePriority: () => void = () => undefined;
beforeAll(() => {
  restorePriority = favourThisProcess();
});

const summaries: string[] = [];
afterAll(() => {
  restorePriority();
  if (summaries.length) process.stdout.write(`\nfailover summary (${FAILOVERS} failover(s) per topology)\n${summaries.join('\n')}\n`);
});

describe.each(['cluster', 'sentinel'] as const)('failover under load on %s', (name) => {
  let target: Awaited<ReturnType<FailoverTarget['start']>>;
  let sides: Side[];

  beforeAll(async () => {
    target = await targets[name].start();
    const prefix = `fo${randomBytes(3).toString('hex')}`;
    sides = [];
    for (const durability of ['acknowledged', 'replicated'] as const) {
      // A long reuse window: a refresh answered 503 is retried with the same token after the promotion.
      const app = await createTestApp({
        reuseWindowMs: 60_000,
        redis: { ...target.topology.connection, keyPrefix: `${prefix}-${durability}`, durability },
      });
      const side: Side = { durability, app, users: [], outcome: { statuses: new Map(), slow: 0, lost: 0, superseded: 0, maxMs: 0, refreshMs: [], codes: [] } };
      sides.push(side);
      for (let i = 0; i < USERS_PER_APP; i++) {
        const email = uniqueEmail(`fo-${durability}`);
        // Set-up, before any kill: on a loaded machine a replica may confirm a first write later than the WAIT allows
        // (503); retry then, since what this suite measures starts with the load below.
        let reg = await http(app.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
        for (let attempt = 0; attempt < 10 && reg.status === 503; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          reg = await http(app.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
        }
        expect({ durability, status: reg.status, code: reg.body?.code }).toEqual({ durability, status: 201, code: undefined });
        side.users.push({ id: reg.body.user.id, email, refreshToken: reg.body.refreshToken, accessToken: reg.body.accessToken });
      }
    }
  }, 120_000);

  afterAll(async () => {
    for (const side of sides ?? []) await side.app.close();
    await target?.stop();
  });

  it(`${FAILOVERS} master kill(s) under refresh + guarded-route load: only 200/503, none over 2 s, recovery by itself, no acknowledged rotation lost with durability 'replicated'`, async () => {
    // Warm-up and the cost of WAIT, measured on the healthy topology.
    const warmUntil = Date.now() + 1500;
    await load(sides, () => Date.now() > warmUntil, true);

    const recoveries: number[] = [];
    const events: string[] = [];
    for (let round = 0; round < FAILOVERS; round++) {
      let stop = false;
      const running = load(sides, () => stop);
      await sleep(300);
      const killedAt = Date.now();
      events.push(`kill at ${new Date().toISOString().slice(11, 23)}`);
      // All of a user's keys share the hash tag `{<id>}`: its slot is that of `any:{<id>}`.
      const killed = await target.killMaster(sides.map((side) => side.users.map((user) => `any:{${user.id}}`)), round);
      // Keep the load on through the switch and a moment after the promotion.
      await sleep(500);
      stop = true;
      await running;
      // Recovery without restarting the app: every user's guarded requests are served by the promoted master
      // (writes wait for a replica: min-replicas-to-write).
      expect(await everyoneServed(sides, 15_000, false)).toBe(true);
      recoveries.push(Date.now() - killedAt);
      // The old master comes back as a replica (needed for 'replicated' writes), then the next round.
      events.push(`promoted+served at ${new Date().toISOString().slice(11, 23)}`);
      await target.recover(killed);
      events.push(`recovered at ${new Date().toISOString().slice(11, 23)}`);
      expect(await everyoneServed(sides, 15_000, true)).toBe(true);
    }

    for (const side of sides) {
      const statuses = Object.fromEntries(side.outcome.statuses);
      const sorted = [...side.outcome.refreshMs].sort((a, b) => a - b);
      const p50 = sorted[Math.floor(sorted.length / 2)] ?? NaN;
      const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? NaN;
      summaries.push(
        `  ${name} ${side.durability.padEnd(12)} statuses ${JSON.stringify(statuses)} slowest ${Math.round(side.outcome.maxMs)} ms, ` +
          `lost ${side.outcome.lost}, superseded ${side.outcome.superseded}, healthy refresh p50 ${p50.toFixed(1)} ms p99 ${p99.toFixed(1)} ms, ` +
          `served again ${Math.min(...recoveries)}-${Math.max(...recoveries)} ms after the kill` +
          (side.outcome.codes.length ? ` 401s: ${side.outcome.codes.slice(0, 5).join(', ')}` : ''),
      );
    }
    summaries.push(`  ${name} events: ${events.slice(0, 6).join(', ')}`);
    for (const side of sides) {
      const other = [...side.outcome.statuses.keys()].filter((status) => ![200, 503, 401].includes(status));
      expect({ durability: side.durability, other }).toEqual({ durability: side.durability, other: [] });
      expect({ durability: side.durability, slow: side.outcome.slow }).toEqual({ durability: side.durability, slow: 0 });
      expect(side.outcome.statuses.get(503) ?? 0).toBeGreaterThan(0); // the kill was felt
    }
    const replicated = sides.find((s) => s.durability === 'replicated') as Side;
    expect(replicated.outcome.lost).toBe(0);
  }, 120_000 + FAILOVERS * 60_000);
});
