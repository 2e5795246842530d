import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, RedisServer } from './redis-server';
import { waitFor } from './time';

/** Master group name the test Sentinels monitor. */
export const SENTINEL_MASTER_NAME = 'authkit-master';

/**
 * A throwaway Sentinel setup on loopback: a master, one replica and 3 `redis-server --sentinel`
 * (quorum 2, down-after 1 s). `killMaster()` kills whichever server is master now; `restart()` brings it
 * back and the Sentinels turn it into a replica of the promoted one.
 */
export class RedisSentinelTopology {
  private constructor(
    readonly servers: RedisServer[],
    private readonly sentinelPorts: number[],
    private readonly sentinels: ChildProcess[],
    private readonly dir: string,
  ) {}

  /** `host:port,...` of the Sentinels (the `REDIS_SENTINELS` format). */
  get addresses(): string {
    return this.sentinelPorts.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** `minReplicasToWrite`: as in `RedisClusterTopology.start`, on both servers. */
  static async start(options: { downAfterMs?: number; minReplicasToWrite?: number } = {}): Promise<RedisSentinelTopology> {
    const downAfterMs = options.downAfterMs ?? 1000;
    const minReplicas = options.minReplicasToWrite ? ['--min-replicas-to-write', String(options.minReplicasToWrite), '--min-replicas-max-lag', '2'] : [];
    const dir = mkdtempSync(join(tmpdir(), 'authkit-sentinel-'));
    // `--dir`: a replica's full sync writes an RDB file there (not in the working directory).
    const master = await RedisServer.start({ args: ['--dir', dir, ...minReplicas] });
    const replica = await RedisServer.start({ args: ['--dir', dir, '--replicaof', '127.0.0.1', String(master.port), ...minReplicas] });
    const sentinelPorts: number[] = [];
    while (sentinelPorts.length < 3) {
      const port = await freePort();
      if (!sentinelPorts.includes(port)) sentinelPorts.push(port);
    }
    const sentinels = sentinelPorts.map((port) => {
      const file = join(dir, `sentinel-${port}.conf`);
      writeFileSync(file, [
        `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} ${downAfterMs}`,
        `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 10000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`, '',
      ].join('\n'));
      return spawn(process.env.REDIS_SERVER_BIN ?? 'redis-server', [file, '--sentinel'], { stdio: 'ignore' });
    });
    const topology = new RedisSentinelTopology([master, replica], sentinelPorts, sentinels, dir);
    try {
      await topology.waitHealthy();
    } catch (error) {
      await topology.stop();
      throw error;
    }
    return topology;
  }

  private sentinel(port: number): Redis {
    return new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
  }

  /** The port of the master the Sentinels currently announce. */
  async masterPort(): Promise<number> {
    const client = this.sentinel(this.sentinelPorts[0]);
    try {
      const [, port] = (await client.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME)) as [string, string];
      return Number(port);
    } finally {
      client.disconnect();
    }
  }

  /** The server that is master now (per the Sentinels). */
  async master(): Promise<RedisServer> {
    const port = await this.masterPort();
    const server = this.servers.find((s) => s.port === port);
    if (!server) throw new Error(`unknown master port ${port}`);
    return server;
  }

  /**
   * Resolves when every Sentinel agrees on a live master that has a connected replica, and knows the two
   * other Sentinels (needed for a quorum).
   */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    await waitFor('sentinel setup', () => this.healthy(), timeoutMs);
  }

  private async healthy(): Promise<boolean> {
    const ports = new Set<number>();
    for (const port of this.sentinelPorts) {
      const client = this.sentinel(port);
      try {
        const [, masterPort] = (await client.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME)) as [string, string];
        ports.add(Number(masterPort));
        const others = (await client.call('SENTINEL', 'sentinels', SENTINEL_MASTER_NAME)) as unknown[];
        if (others.length < 2) return false;
      } finally {
        client.disconnect();
      }
    }
    if (ports.size !== 1) return false;
    const master = this.servers.find((s) => s.port === [...ports][0]);
    if (!master?.running) return false;
    const client = new Redis(master.port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      const info = await client.info('replication');
      // With min-replicas-to-write, writable only once the replica has acknowledged (about a second after it is online).
      const good = /min_slaves_good_slaves:(\d+)/.exec(info);
      return /role:master/.test(info) && /connected_slaves:1/.test(info) && /slave0:.*state=online/.test(info) && (!good || Number(good[1]) >= 1);
    } finally {
      client.disconnect();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([
      ...this.servers.map((server) => server.stop()),
      ...this.sentinels.map((child) =>
        child.exitCode !== null
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    ]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
