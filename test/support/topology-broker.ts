import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisClusterTopology } from './redis-cluster';
import { RedisSentinelTopology, SENTINEL_MASTER_NAME } from './redis-sentinel';
import { type SharedTopologyName, TOPOLOGY_ENV } from './redis-topologies';
import { RUN_ENV } from './run-env';

/** Environment variables the test environment sets for a test file (`TOPOLOGY_ENV` values). */
export type TopologyEnv = Record<string, string>;

interface Running {
  env: TopologyEnv;
  stop(): Promise<void>;
}

/** How each shared deployment starts (the suites' defaults: node timeout / down-after 1 s). */
const STARTERS: Record<SharedTopologyName, () => Promise<Running>> = {
  async cluster() {
    const cluster = await RedisClusterTopology.start();
    return { env: { [TOPOLOGY_ENV.clusterNodes]: cluster.addresses }, stop: () => cluster.stop() };
  },
  async sentinel() {
    const sentinel = await RedisSentinelTopology.start();
    return {
      env: { [TOPOLOGY_ENV.sentinels]: sentinel.addresses, [TOPOLOGY_ENV.sentinelName]: SENTINEL_MASTER_NAME },
      stop: () => sentinel.stop(),
    };
  },
};

interface Entry {
  /** Test files holding it now. */
  holders: number;
  /** Test files that held it and are done. */
  released: number;
  running?: Promise<Running>;
}

/** A count the sequencer left in the environment (undefined when the run has no such sequencer). */
function counted(name: string): number | undefined {
  const raw = process.env[name];
  return raw === undefined ? undefined : Number(raw);
}

/**
 * Runs in the Jest main process (started by the global setup) and starts the Redis Cluster and the Sentinel set-up
 * only for the test files that use them: a file that called `redisTopologies()` acquires them from its test
 * environment (jest-environment.ts, over loopback HTTP) before its first hook (the first acquire starts them; later
 * ones share them) and releases them after its last. Once every such file of the run has released a topology (the
 * count the sequencer left in `RUN_ENV.topologySuites`), it is stopped; `close()` (the global teardown) stops the rest.
 */
export class TopologyBroker {
  private readonly entries: Record<SharedTopologyName, Entry> = {
    cluster: { holders: 0, released: 0 },
    sentinel: { holders: 0, released: 0 },
  };

  private readonly expected = counted(RUN_ENV.topologySuites);

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TopologyBroker> {
    const server = createServer();
    const broker = new TopologyBroker(server);
    server.on('request', (req, res) => void broker.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref();
    return broker;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * When the sequencer counted files that use them: starts `names` now, without waiting, so that they are up by the
   * time the first such file asks (a failed start is retried there, and reported).
   */
  prestart(names: SharedTopologyName[]): void {
    if (!this.expected) return;
    for (const name of names) this.ensure(name).catch(() => undefined);
  }

  async acquire(names: SharedTopologyName[]): Promise<TopologyEnv> {
    for (const name of names) this.entries[name].holders += 1;
    try {
      const env: TopologyEnv = {};
      for (const running of await Promise.all(names.map((name) => this.ensure(name)))) Object.assign(env, running.env);
      return env;
    } catch (error) {
      for (const name of names) this.entries[name].holders -= 1;
      throw error;
    }
  }

  async release(names: SharedTopologyName[]): Promise<void> {
    await Promise.all(
      names.map(async (name) => {
        const entry = this.entries[name];
        entry.holders -= 1;
        entry.released += 1;
        if (entry.holders === 0 && this.expected !== undefined && entry.released >= this.expected) await this.stop(name);
      }),
    );
  }

  /** Stops every topology still running, and the broker. */
  async close(): Promise<void> {
    await Promise.all((Object.keys(this.entries) as SharedTopologyName[]).map((name) => this.stop(name)));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private ensure(name: SharedTopologyName): Promise<Running> {
    const entry = this.entries[name];
    if (!entry.running) {
      const started = STARTERS[name]();
      entry.running = started;
      // A failed start is not kept: the next acquire tries again.
      started.catch(() => {
        if (entry.running === started) entry.running = undefined;
      });
    }
    return entry.running;
  }

  private async stop(name: SharedTopologyName): Promise<void> {
    const entry = this.entries[name];
    const running = entry.running;
    entry.running = undefined;
    const topology = await running?.catch(() => undefined);
    await topology?.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const { names } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { names?: SharedTopologyName[] };
      const valid = (names ?? []).filter((name) => name in STARTERS);
      let body: unknown = {};
      if (req.url === '/acquire') body = { env: await this.acquire(valid) };
      else if (req.url === '/release') await this.release(valid);
      else throw new Error(`no such broker request: ${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error instanceof Error ? error.stack ?? error.message : String(error) }));
    }
  }
}
