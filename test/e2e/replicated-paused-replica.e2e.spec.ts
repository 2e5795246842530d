import Redis from 'ioredis';
import { RedisServer } from '../support/redis-server';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';
import { sleep, waitFor } from '../support/time';

const PASSWORD = 'correct horse battery staple';
const PAUSE_MS = 3000;
const READERS = 10;
const WRITERS = 4;

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const status of statuses) out[status] = (out[status] ?? 0) + 1;
  return out;
}

/**
 * Issue 22, item 4: with `durability: 'replicated'` the WAIT after a session write must not hold the connection
 * the guards read on. A real master + replica; the replica is stopped with SIGSTOP for 3 s (it neither applies
 * nor acknowledges anything) while logins (replicated writes) and read-only guarded requests run together.
 */
describe("durability 'replicated' with a paused replica", () => {
  let master: RedisServer;
  let replica: RedisServer;
  let admin: Redis;
  let replicaPid: number;
  let t: TestApp;

  beforeAll(async () => {
    master = await RedisServer.start();
    replica = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
    admin = new Redis(master.url);
    const replicaClient = new Redis(replica.url);
    replicaPid = Number(/process_id:(\d+)/.exec(await replicaClient.info('server'))?.[1]);
    await waitFor('replica in sync', async () => /master_link_status:up/.test(await replicaClient.info('replication')), 10_000);
    replicaClient.disconnect();
    // The master's side too: the replica acknowledges a WAIT (its link can be up before its first ACK; on a loaded
    // machine, e.g. a fresh clone's first minutes, the set-up registrations below otherwise met a 503).
    await waitFor('master sees the replica acknowledge', async () => (await admin.wait(1, 1000)) === 1, 10_000);
    // The longest WAIT the library allows (400 ms): the set-up's registrations are not what this test measures.
    t = await createTestApp({ redis: { url: master.url, durability: 'replicated', replicationTimeoutMs: 400 }, throttle: { emailIp: { limit: 10_000 }, ip: { limit: 10_000 } } });
  }, 30_000);

  afterAll(async () => {
    process.kill(replicaPid, 'SIGCONT');
    await t?.close();
    admin?.disconnect();
    await replica?.stop();
    await master?.stop();
  });

  it(`read-only guarded routes stay 200 while the replica is paused ${PAUSE_MS} ms (replicated logins may 503)`, async () => {
    const users: { email: string; accessToken: string }[] = [];
    for (let i = 0; i < READERS + WRITERS; i++) {
      const email = uniqueEmail('repl');
      const res = await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
      expect(res.status).toBe(201);
      users.push({ email, accessToken: res.body.accessToken });
    }
    const reads: number[] = [];
    const writes: number[] = [];
    let slowestReadMs = 0;
    process.kill(replicaPid, 'SIGSTOP');
    const until = Date.now() + PAUSE_MS;
    try {
      await Promise.all([
        ...users.slice(0, READERS).map(async (user) => {
          while (Date.now() < until) {
            const started = Date.now();
            reads.push((await http(t.url, 'GET', '/profile', { token: user.accessToken })).status);
            slowestReadMs = Math.max(slowestReadMs, Date.now() - started);
          }
        }),
        ...users.slice(READERS).map(async (user) => {
          while (Date.now() < until) {
            writes.push((await http(t.url, 'POST', '/auth/login', { json: { email: user.email, password: PASSWORD } })).status);
            await sleep(20);
          }
        }),
      ]);
    } finally {
      process.kill(replicaPid, 'SIGCONT');
    }
    process.stdout.write(`paused replica (${PAUSE_MS} ms, replicated): reads ${JSON.stringify(tally(reads))} (slowest ${slowestReadMs} ms); `
      + `replicated logins ${JSON.stringify(tally(writes))}\n`);
    expect(writes.length).toBeGreaterThan(0);
    expect(tally(writes)[503]).toBeGreaterThan(0); // the writes did wait on the paused replica
    expect(tally(reads)).toEqual({ 200: reads.length });
    expect(reads.length).toBeGreaterThan(100);
    // Once the replica is back, replicated writes succeed again.
    await waitFor('replicated login', async () =>
      (await http(t.url, 'POST', '/auth/login', { json: { email: users[0].email, password: PASSWORD } })).status === 200, 10_000);
  });
});
