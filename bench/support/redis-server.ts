import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * The bench's throwaway `redis-server` on a free loopback port: no persistence, `noeviction`, the same
 * settings as the tests' server (the memory figures depend on them). `REDIS_SERVER_BIN` names the binary.
 */
export class BenchRedisServer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  /**
   * Starts the server and waits (up to 5 s) until it accepts connections. `port` and `args` (extra
   * redis-server arguments): for the cluster's nodes (redis-cluster.ts).
   */
  static async start(options: { port?: number; args?: string[] } = {}): Promise<BenchRedisServer> {
    const port = options.port ?? (await freePort());
    const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
    const child = spawn(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes', ...(options.args ?? [])],
      { stdio: 'ignore' },
    );
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    child.once('error', () => {
      exited = true;
    });
    for (let i = 0; i < 100; i++) {
      if (exited) throw new Error('redis-server could not start (is it installed? set REDIS_SERVER_BIN)');
      if (await canConnect(port)) return new BenchRedisServer(port, child);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    throw new Error('redis-server did not accept connections within 5 s');
  }

  /** The server's process id (`npm run bench:cpu` reads its CPU time). */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills the server (its data is thrown away) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}
