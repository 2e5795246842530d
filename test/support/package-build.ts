import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { RUN_ENV } from './run-env';
import { sleep } from './time';

const ROOT = resolve(__dirname, '../..');
const exec = promisify(execFile);

async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await exec(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_loglevel: 'error' } });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`.slice(0, 4000));
  }
}

/**
 * `work` once per Jest run, across the parallel workers: the first caller takes a lock in the run's directory
 * (mkdir is atomic) and does it; the others wait for its result (or its error). Outside a Jest run, just `work`.
 */
async function oncePerRun(name: string, work: () => Promise<string>, timeoutMs = 300_000): Promise<string> {
  const runDir = process.env[RUN_ENV.runDir];
  if (!runDir) return work();
  const result = join(runDir, `${name}.json`);
  try {
    mkdirSync(join(runDir, `${name}.lock`));
  } catch {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(result)) {
      if (Date.now() > deadline) throw new Error(`${name}: another test file took it on and gave no result within ${timeoutMs} ms`);
      await sleep(100);
    }
    const { value, error } = JSON.parse(readFileSync(result, 'utf8')) as { value?: string; error?: string };
    if (error !== undefined) throw new Error(`${name} failed (in another test file):\n${error}`);
    return value as string;
  }
  try {
    const value = await work();
    writeFileSync(result, JSON.stringify({ value }));
    return value;
  } catch (error) {
    writeFileSync(result, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    throw error;
  }
}

/**
 * `npm run build` of this checkout, once per Jest run: the suites that check dist/ or pack it share one build
 * (rebuilt by each, in parallel, they would empty dist/ under each other).
 */
export function buildPackage(): Promise<void> {
  return oncePerRun('build', () => run('npm', ['run', 'build'], ROOT)).then(() => undefined);
}

/**
 * The tarball `npm pack` makes of that build, once per Jest run (in the run's directory; a temporary one outside
 * Jest): the path of the .tgz. Lifecycle scripts are skipped (the package has none; the build is done above).
 */
export function packedTarball(): Promise<string> {
  return oncePerRun('pack', async () => {
    await buildPackage();
    const runDir = process.env[RUN_ENV.runDir];
    const destination = runDir ? join(runDir, 'pack') : mkdtempSync(join(tmpdir(), 'authkit-pack-'));
    mkdirSync(destination, { recursive: true });
    const packed = JSON.parse(await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], ROOT)) as { filename: string }[];
    return join(destination, packed[0].filename);
  });
}
