import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/** A bench app running in its own Node process (so the load generator never shares its event loop). */
export interface AppProcess {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const ENTRY = join(__dirname, '..', 'app', 'main.ts');

/** Forks `bench/app/main.ts` (TypeScript through ts-node, transpile only) and waits for its port. */
export function startApp(name: string, env: Record<string, string>): Promise<AppProcess> {
  const child: ChildProcess = fork(ENTRY, [], {
    // BENCH_APP_NODE_ARGS (e.g. "--cpu-prof") goes to the apps' node only, for profiling.
    execArgv: ['-r', 'ts-node/register/transpile-only', ...(process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: { ...process.env, NODE_ENV: 'production', TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json'), ...env },
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
      resolve({ name, url: `http://127.0.0.1:${message.port}`, pid: child.pid ?? 0, stop });
    });
  });
}
