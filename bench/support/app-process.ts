import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A bench app running in its own Node process (so the load generator never shares its event loop). */
export interface AppProcess {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** The app process' own figures (bench/app/main.ts answers over IPC): heap after GC, event-loop delay, fds. */
  stats(): Promise<AppStats>;
}

/** What `AppProcess.stats` answers. */
export interface AppStats {
  heapUsed: number;
  /** False when node runs without --expose-gc: `heapUsed` is then before any forced GC. */
  gc: boolean;
  fds: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const BENCH_DIR = join(__dirname, '..');
const BUILD_DIR = join(BENCH_DIR, '.tmp', 'build');
/** The compiled entries: the library's bench app and the Better Auth app of the side-by-side rows. */
export const APP_ENTRIES = {
  authkit: join(BUILD_DIR, 'bench', 'app', 'main.js'),
  'better-auth': join(BUILD_DIR, 'bench', 'app', 'better-auth', 'main.js'),
} as const;

/**
 * Compiles the bench app and the library with `tsc` (bench/tsconfig.json -> bench/.tmp/build), as an app is
 * deployed. The apps must not run under ts-node: its register hook loads Node's `repl`, and with it `domain`,
 * which wraps every EventEmitter emit of the process (a cost no deployed app pays).
 */
export function buildApp(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(BENCH_DIR, 'tsconfig.json')], { stdio: 'inherit' });
  cpSync(join(BENCH_DIR, '..', 'lib', 'core', 'users', 'common-passwords.txt'), join(BUILD_DIR, 'lib', 'core', 'users', 'common-passwords.txt'));
}

/**
 * Compiles the library and the bench app as they were at git `ref` (e.g. `396387b`: `npm run bench:cpu -- --baseline`),
 * into `bench/.tmp/baseline/<commit>/` (kept: a later run on the same commit reuses it), for an A/B of two builds in
 * one run; returns the compiled entry of its app. Its packages resolve from this checkout's `node_modules` (the
 * directory is inside it).
 */
export function buildBaseline(ref: string): string {
  const repo = join(BENCH_DIR, '..');
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: repo, encoding: 'utf8' }).trim();
  const root = join(BENCH_DIR, '.tmp', 'baseline', commit);
  const entry = join(root, 'build', 'bench', 'app', 'main.js');
  if (existsSync(join(root, 'complete'))) return entry;
  const source = join(root, 'src');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(source, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', commit, 'lib', 'bench/app', 'bench/tsconfig.json', 'tsconfig.json'], { cwd: repo, maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', source], { input: archive });
  const out = join(root, 'build');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(source, 'bench', 'tsconfig.json'), '--outDir', out], { stdio: 'inherit' });
  // The library's data files (the common-password list; where it lives depends on the commit).
  const files = execFileSync('git', ['ls-tree', '-r', '--name-only', commit, 'lib'], { cwd: repo, encoding: 'utf8' }).split('\n');
  for (const file of files.filter((name) => name.endsWith('.txt'))) cpSync(join(source, file), join(out, file));
  writeFileSync(join(root, 'complete'), `${commit}\n`);
  return entry;
}

/**
 * Forks a compiled app (`bench/app/main.ts` unless told otherwise: an `APP_ENTRIES` name or a compiled file, see
 * `buildApp`, `buildBaseline`) and waits for its port.
 */
export function startApp(name: string, env: Record<string, string>, entry: keyof typeof APP_ENTRIES | string = 'authkit'): Promise<AppProcess> {
  const child: ChildProcess = fork(entry in APP_ENTRIES ? APP_ENTRIES[entry as keyof typeof APP_ENTRIES] : entry, [], {
    // BENCH_APP_NODE_ARGS (e.g. "--cpu-prof") goes to the apps' node only, for profiling.
    execArgv: (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean),
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`bench app "${name}" did not start within 60 s`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench app "${name}" exited during start-up (code ${code})`));
    });
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message?.type !== 'ready' || !message.port) return;
      clearTimeout(timer);
      const stats = () =>
        new Promise<AppStats>((answered, failed) => {
          const onMessage = (reply: AppStats & { type?: string }) => {
            if (reply?.type !== 'stats') return;
            child.off('message', onMessage);
            answered(reply);
          };
          child.on('message', onMessage);
          if (!child.send({ type: 'stats' })) failed(new Error(`bench app "${name}": no IPC channel`));
        });
      resolve({ name, url: `http://127.0.0.1:${message.port}`, pid: child.pid ?? 0, stop, stats });
    });
  });
}
