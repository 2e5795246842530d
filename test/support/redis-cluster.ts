import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { freePort, RedisServer } from './redis-server';
import { waitFor } from './time';

const run = promisify(execFile);

/** One node's view from `CLUSTER NODES`. */
interface ClusterNodeInfo {
  id: string;
  port: number;
  master: boolean;
  failed: boolean;
  masterId: string;
}

/**
 * A throwaway Redis Cluster on loopback: 3 masters + 3 replicas (`redis-cli --cluster create
 * --cluster-replicas 1`), node timeout 1 s so a killed master is replaced within about 2 s.
 * `killMaster()` / `restart()` let failover tests take a master away and bring it back (as a replica).
 */
export class RedisClusterTopology {
  private constructor(readonly nodes: RedisServer[], private readonly dir: string) {}

  /** `host:port,...` of every node (the `REDIS_CLUSTER_NODES` format). */
  get addresses(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  /**
   * `minReplicasToWrite`: each master refuses writes (NOREPLICAS) while fewer replicas are connected (lag
   * at most 2 s), the server-side half of `durability: 'replicated'`.
   */
  static async start(options: { nodeTimeoutMs?: number; minReplicasToWrite?: number } = {}): Promise<RedisClusterTopology> {
    const nodeTimeoutMs = options.nodeTimeoutMs ?? 1000;
    const minReplicas = options.minReplicasToWrite ? ['--min-replicas-to-write', String(options.minReplicasToWrite), '--min-replicas-max-lag', '2'] : [];
    const dir = mkdtempSync(join(tmpdir(), 'authkit-cluster-'));
    const taken = new Set<number>();
    /** A port whose cluster bus port (port + 10000) is below 65536, distinct from the others. */
    const pickPort = async (): Promise<number> => {
      for (;;) {
        const port = await freePort();
        if (port < 55535 && !taken.has(port)) {
          taken.add(port);
          return port;
        }
      }
    };
    // A node whose port or bus port another process took first (parallel runs) starts again on another (3 tries).
    const startNode = async (): Promise<RedisServer> => {
      for (let attempt = 1; ; attempt++) {
        const port = await pickPort();
        try {
          return await RedisServer.start({
            port,
            args: [
              '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
              '--cluster-node-timeout', String(nodeTimeoutMs), '--cluster-replica-validity-factor', '0',
              '--cluster-require-full-coverage', 'no', '--dir', dir, ...minReplicas,
            ],
          });
        } catch (error) {
          if (attempt >= 3) throw error;
        }
      }
    };
    const started = await Promise.allSettled(Array.from({ length: 6 }, () => startNode()));
    const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await Promise.all(nodes.map((node) => node.stop()));
      rmSync(dir, { recursive: true, force: true });
      throw failed.reason;
    }
    const ports = nodes.map((node) => node.port);
    const topology = new RedisClusterTopology(nodes, dir);
    try {
      await run(process.env.REDIS_CLI_BIN ?? 'redis-cli', [
        '--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes',
      ], { timeout: 60_000 });
      await topology.waitHealthy();
    } catch (error) {
      await topology.stop();
      throw error;
    }
    return topology;
  }

  /** Resolves when every running node says `cluster_state:ok`, sees 3 live masters, each with a live, synced replica. */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    await waitFor('cluster', () => this.healthy(), timeoutMs);
  }

  private async healthy(): Promise<boolean> {
    for (const node of this.nodes.filter((n) => n.running)) {
      const client = this.client(node.port);
      try {
        const info = String(await client.call('CLUSTER', 'INFO'));
        if (!/cluster_state:ok/.test(info)) return false;
        const view = await this.view(client);
        const masters = view.filter((n) => n.master && !n.failed);
        if (masters.length !== 3) return false;
        const replicas = view.filter((n) => !n.master && !n.failed);
        if (!masters.every((m) => replicas.some((r) => r.masterId === m.id))) return false;
        if (view.length !== 6 || view.some((n) => n.failed)) return false;
        const me = view.find((n) => n.port === node.port);
        const replication = await client.info('replication');
        if (me && !me.master && !/master_link_status:up/.test(replication)) return false;
        // With min-replicas-to-write, a master refuses writes until its replica has acknowledged once (REPLCONF ACK,
        // about every second after the link is up): healthy means writable.
        const good = /min_slaves_good_slaves:(\d+)/.exec(replication);
        if (me?.master && good && Number(good[1]) < 1) return false;
      } finally {
        client.disconnect();
      }
    }
    return true;
  }

  private client(port: number): Redis {
    return new Redis(port, '127.0.0.1', { lazyConnect: false, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
  }

  private async view(client: Redis): Promise<ClusterNodeInfo[]> {
    const text = String(await client.call('CLUSTER', 'NODES'));
    return text.trim().split('\n').map((line) => {
      const [id, address, flags, masterId] = line.split(' ');
      return {
        id,
        port: Number(/:(\d+)@/.exec(address)?.[1]),
        master: flags.includes('master'),
        failed: /(^|,)(fail\??|noaddr|handshake)(,|$)/.test(flags),
        masterId,
      };
    });
  }

  /** The node currently serving `key` as master (asks a live node). */
  async masterOf(key: string): Promise<RedisServer> {
    const live = this.nodes.find((n) => n.running);
    if (!live) throw new Error('no live node');
    const client = this.client(live.port);
    try {
      const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
      const slots = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      const port = range?.[2][1];
      const node = this.nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no master for slot ${slot}`);
      return node;
    } finally {
      client.disconnect();
    }
  }

  /** The masters' nodes. */
  async masters(): Promise<RedisServer[]> {
    const live = this.nodes.find((n) => n.running);
    if (!live) throw new Error('no live node');
    const client = this.client(live.port);
    try {
      const view = await this.view(client);
      return this.nodes.filter((node) => view.some((n) => n.port === node.port && n.master && !n.failed));
    } finally {
      client.disconnect();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
