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

/**
 * The process id of the redis-server answering on `port` (INFO server), undefined while nothing answers there. Tells
 * our server from another one that took the port first (other test runs start servers on free ports too).
 */
function serverPid(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    const done = (pid: number | undefined) => { socket.destroy(); resolve(pid); };
    socket.setTimeout(2000, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      const pid = /process_id:(\d+)/.exec(reply);
      if (pid) done(Number(pid[1]));
      else if (/^-/.test(reply) && reply.includes('\r\n')) done(-1); // an error reply (LOADING...): not ready, not ours to judge
    });
    socket.connect(port, '127.0.0.1', () => socket.write('*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n'));
  });
}

/** Another process listens on the port the server was to use. */
export class PortTakenError extends Error {
  constructor(readonly port: number) {
    super(`redis-server could not start: port ${port} is taken by another process`);
  }
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

  /**
   * Without `port`, on a free one: when another process takes it before the server binds it (parallel runs), the
   * server is started again on another port (3 tries).
   */
  static async start(options: { port?: number; persist?: boolean; args?: string[] } = {}): Promise<RedisServer> {
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(options.port ?? (await freePort()), options.persist ?? false, options.args ?? []);
      try {
        await server.start();
        return server;
      } catch (error) {
        if (options.port !== undefined || attempt >= 3 || !(error instanceof PortTakenError)) throw error;
      }
    }
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
      const pid = await serverPid(this.port);
      if (pid === child.pid) return;
      // An error reply (a server started with a password, say) while ours keeps running: taken as ours.
      if (pid === -1 && !exited && i >= 2) return;
      if (exited) {
        if (pid !== undefined) throw new PortTakenError(this.port);
        throw new Error(`redis-server could not start on port ${this.port} (is it installed? set REDIS_SERVER_BIN or REDIS_URL)`);
      }
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
