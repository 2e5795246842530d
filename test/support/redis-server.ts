import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * A throwaway `redis-server` on a loopback port: no persistence, `noeviction`. `stop()` and `start()`
 * let fault tests take it away and bring it back on the same port.
 */
export class RedisServer {
  private process?: ChildProcess;

  private readonly dir?: string;

  /**
   * `persist`: keep data across stop()/start() (append-only file, fsync always) in a temp dir.
   * `args`: more `redis-server` arguments (cluster mode, `--replicaof`...), kept for every (re)start.
   */
  private constructor(readonly port: number, persist: boolean, private readonly args: string[]) {
    if (persist) this.dir = mkdtempSync(join(tmpdir(), 'authkit-redis-'));
  }

  static async start(options: { port?: number; persist?: boolean; args?: string[] } = {}): Promise<RedisServer> {
    const server = new RedisServer(options.port ?? (await freePort()), options.persist ?? false, options.args ?? []);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
    const persistence = this.dir
      ? ['--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    // `--repl-diskless-sync-delay 0`: a master starts a replica's full sync at once. Redis 7's default waits 5 s for
    // more replicas to sync together, which every test topology paid at its start and at each recovery of a killed node.
    const child = spawn(bin, [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence,
      '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes', '--repl-diskless-sync-delay', '0', ...this.args,
    ], { stdio: 'ignore' });
    this.process = child;
    let exited = false;
    child.once('exit', () => { exited = true; });
    child.once('error', () => { exited = true; });
    for (let i = 0; i < 100; i++) {
      if (exited) throw new Error(`redis-server could not start (is it installed? set REDIS_SERVER_BIN or REDIS_URL)`);
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis-server did not accept connections within 5 s');
  }

  /** Whether the process is running (not stopped, not killed). */
  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null;
  }

  /** Kills the process (SIGKILL: no shutdown, nothing flushed), as a crash would. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.process = undefined;
  }
}
