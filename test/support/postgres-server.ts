import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server';

/** Where Debian puts the server binaries (`apt-get install postgresql`); `PG_BIN` overrides. */
function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) if (existsSync(join(root, version, 'bin', 'initdb'))) return join(root, version, 'bin');
  throw new Error('PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)');
}

/**
 * A throwaway PostgreSQL cluster on a free loopback port, like the suite's Redis: `initdb` in a temp dir, `trust`
 * authentication for the `postgres` user, no fsync. initdb refuses to run as root, so as root the cluster runs as
 * the `postgres` system user (`su postgres`).
 */
export class PostgresServer {
  private constructor(readonly port: number, private readonly dir: string, private readonly bin: string) {}

  static async start(): Promise<PostgresServer> {
    const bin = binDir();
    const dir = mkdtempSync(join(tmpdir(), 'authkit-pg-'));
    const server = new PostgresServer(await freePort(), dir, bin);
    if (process.getuid?.() === 0) chownSync(dir, uid('postgres'), gid('postgres'));
    server.run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    server.run('pg_ctl', [
      '-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '30',
      '-o', `-p ${server.port} -h 127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off -c synchronous_commit=off`, 'start',
    ]);
    return server;
  }

  /** A connection URL for the `postgres` database. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async stop(): Promise<void> {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(command: string, args: string[]): void {
    const path = join(this.bin, command);
    if (process.getuid?.() === 0) {
      const quoted = [path, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
      const result = spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { cwd: this.dir, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
    } else {
      execFileSync(path, args, { cwd: this.dir, stdio: 'pipe' });
    }
  }
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
