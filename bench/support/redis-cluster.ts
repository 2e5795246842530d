import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { BenchRedisServer, freePort } from './redis-server';

const run = promisify(execFile);

/**
 * The bench's throwaway Redis Cluster on loopback: 3 masters + 3 replicas of the Debian `redis-server`
 * (`redis-cli --cluster create ... --cluster-replicas 1 --cluster-yes`), each node with the settings of
 * `BenchRedisServer`. A deliberately short duplicate of test/support/redis-cluster.ts (the bench may not
 * import test/, lint:deps): no failover helpers, only start, addresses and stop. `REDIS_CLI_BIN` names redis-cli.
 */
export class BenchRedisCluster {
  private constructor(
    readonly nodes: BenchRedisServer[],
    private readonly dir: string,
  ) {}

  /** `host:port,...` of every node (the `REDIS_CLUSTER_NODES` format). */
  get addresses(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  /** Starts 6 nodes, creates the cluster and waits (up to 30 s) until every node reports 3 masters with a replica each. */
  static async start(): Promise<BenchRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'authkit-bench-cluster-'));
    const ports: number[] = [];
    while (ports.length < 6) {
      const port = await freePort();
      // The cluster bus listens on port + 10000.
      if (port < 55535 && !ports.includes(port)) ports.push(port);
    }
    const nodes: BenchRedisServer[] = [];
    const cluster = new BenchRedisCluster(nodes, dir);
    try {
      for (const port of ports) {
        const args = ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir];
        nodes.push(await BenchRedisServer.start({ port, args }));
      }
      await run(process.env.REDIS_CLI_BIN ?? 'redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], {
        timeout: 60_000,
      });
      await cluster.waitHealthy(30_000);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await Promise.all(this.nodes.map((node) => this.nodeHealthy(node.port)))).every(Boolean)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`redis cluster not healthy within ${timeoutMs} ms`);
  }

  private async nodeHealthy(port: number): Promise<boolean> {
    const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      if (!/cluster_state:ok/.test(String(await client.call('CLUSTER', 'INFO')))) return false;
      const lines = String(await client.call('CLUSTER', 'NODES')).trim().split('\n');
      const flags = lines.map((line) => line.split(' ')[2]);
      if (flags.some((f) => /fail|handshake|noaddr/.test(f))) return false;
      const masters = flags.filter((f) => f.includes('master')).length;
      const replicas = flags.filter((f) => f.includes('slave')).length;
      if (masters !== 3 || replicas !== 3) return false;
      const replication = await client.info('replication');
      return !/role:slave/.test(replication) || /master_link_status:up/.test(replication);
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** Kills every node and removes their files. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
