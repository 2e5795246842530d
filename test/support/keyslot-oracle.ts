import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from './redis-server';
import { sleep } from './time';

/**
 * A throwaway cluster-enabled `redis-server` used only to ask Redis itself for `CLUSTER KEYSLOT`
 * (a standalone server refuses the command), so hash-slot checks do not reimplement CRC16.
 */
export class KeyslotOracle {
  private constructor(private readonly child: ChildProcess, private readonly client: Redis, private readonly configFile: string) {}

  static async start(): Promise<KeyslotOracle> {
    const port = await freePort();
    const configFile = join(tmpdir(), `authkit-keyslot-${port}-${process.pid}.conf`);
    const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
    const child = spawn(bin, [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--cluster-enabled', 'yes', '--cluster-config-file', configFile,
    ], { stdio: 'ignore' });
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        await client.connect();
        return new KeyslotOracle(child, client, configFile);
      } catch {
        if (child.exitCode !== null) break;
        await sleep(50);
      }
    }
    child.kill('SIGKILL');
    throw new Error('cluster-enabled redis-server did not start');
  }

  async keyslot(key: string): Promise<number> {
    return Number(await this.client.call('CLUSTER', 'KEYSLOT', key));
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        this.child.kill('SIGKILL');
      });
    }
    rmSync(this.configFile, { force: true });
  }
}
