import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CONSUMER_APPS, type ConsumerApp, writeConsumerApp } from '../support/consumer-app';
import { packCleanCheckout } from '../support/packed-tarball';
import { asBatch } from '../support/priority';
import { TEST_SECRET } from '../support/test-app';

/**
 * Runs a command; resolves with its stdout (with `both`, stdout and stderr: Jest reports on stderr), rejects with its
 * output (capped) when it exits non-zero.
 */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}, both = false): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error', ...env } });
    asBatch(child.pid); // CPU-bound batch work: the latency-asserting suites running beside it go first
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolveRun(both ? `${stdout}\n${stderr}` : stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code} in ${cwd}:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`));
    });
  });
}

/** Every version of `name` in the app's tree, from `npm ls --json`. */
function versionsOf(tree: { dependencies?: Record<string, unknown> }, name: string, found = new Set<string>()): Set<string> {
  for (const [dependency, node] of Object.entries(tree.dependencies ?? {})) {
    const child = node as { version?: string; dependencies?: Record<string, unknown> };
    if (dependency === name && child.version) found.add(child.version);
    versionsOf(child, name, found);
  }
  return found;
}

/** What one app's pipeline found: the `@nestjs/jwt` and `jsonwebtoken` versions in its tree and the output of its own e2e suite. */
interface AppResult {
  /** `@nestjs/jwt` anywhere in the tree: none (the app does not list it, the library does not need it). */
  nestJwtVersions: string[];
  /** `jsonwebtoken` anywhere in the tree (the library's dependency; passport-jwt's in the Express app). */
  jsonwebtokenVersions: string[];
  e2eOutput: string;
  /** What plain Node (no test runner) loads from the package, through package.json `exports`. */
  loaded: Record<string, unknown>;
  /** Where the app is (its install is kept for the next run). */
  dir: string;
}

/** Loads the entries with plain Node: CommonJS `require`, or ESM `import` of named exports (cjs-module-lexer's view). */
function loadScript(app: ConsumerApp): string[] {
  if (app.esm) {
    return ['--input-type=module', '-e', `
      import { AuthModule, AuthError, AuthExceptionFilter, RefreshTokenReusedError } from 'nestjs-authkit';
      import { ManualClock, describeUserStoreContract } from 'nestjs-authkit/testing';
      let internal = 'refused';
      try { await import('nestjs-authkit/dist/tokens/token.service.js'); internal = 'loaded'; } catch { /* not exported */ }
      console.log(JSON.stringify({
        main: [AuthModule, AuthError, AuthExceptionFilter, RefreshTokenReusedError].map((value) => typeof value),
        testing: [typeof ManualClock, typeof describeUserStoreContract], internal,
      }));`];
  }
  return ['-e', `
    require('reflect-metadata');
    const main = require('nestjs-authkit');
    const testing = require('nestjs-authkit/testing');
    let passport = 'not installed';
    try { require.resolve('@nestjs/passport'); passport = require('nestjs-authkit/passport').AUTHKIT_JWT_STRATEGY; } catch {}
    let internal = 'refused';
    try { require('nestjs-authkit/dist/tokens/token.service'); internal = 'loaded'; } catch { /* not exported */ }
    console.log(JSON.stringify({
      main: [main.AuthModule, main.AuthError, main.AuthExceptionFilter, main.RefreshTokenReusedError].map((value) => typeof value),
      testing: [typeof testing.ManualClock, typeof testing.describeUserStoreContract], passport, internal,
    }));`];
}

/**
 * Apps whose install starts from a copy of another app's node_modules and lockfile (npm then adds and removes the
 * difference): the two Nest 11 apps share all but their platform, and a third argon2 build from source (where its
 * prebuilt binary does not load) and ~450 package extractions are the slowest part of this suite. `npm ls --all`
 * checks the result like any other tree.
 */
const SEEDED_FROM: Record<string, string> = { 'nest11-fastify': 'nest11-express' };

/**
 * The install an earlier run left, to start this run's from (the same seeding across runs): once an app's tree passed
 * `npm ls --all`, its node_modules and lockfile are moved (a rename) to node_modules/.cache under a digest of what its
 * install depends on besides the tarball (the app's dependency ranges, the Node and npm versions, the UTC day, so
 * that the ranges are resolved afresh at least daily); the next run moves them into its fresh app before `npm
 * install`, which then swaps in the new tarball and adds or removes what the package's own dependencies changed.
 * `npm ci` empties node_modules, so a fresh clone installs from scratch. AUTHKIT_TEST_FRESH_INSTALLS=1 skips it.
 */
const installCache = join(resolve(__dirname, '../..'), 'node_modules', '.cache', 'nestjs-authkit-consumers');
const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
const cacheOf = (app: ConsumerApp): string => join(installCache, `${app.name}-${createHash('sha256')
  .update(JSON.stringify([app, process.version, npmVersion, new Date().toISOString().slice(0, 10)])).digest('hex').slice(0, 16)}`);
const INSTALL_FILES = ['node_modules', 'package-lock.json'];

/** Moves an earlier run's install of the app into `dir` (false when there is none). */
function restoreInstall(app: ConsumerApp, dir: string): boolean {
  const cached = cacheOf(app);
  if (process.env.AUTHKIT_TEST_FRESH_INSTALLS === '1' || !INSTALL_FILES.every((name) => existsSync(join(cached, name)))) return false;
  try {
    for (const name of INSTALL_FILES) renameSync(join(cached, name), join(dir, name));
    return true;
  } catch {
    for (const name of INSTALL_FILES) rmSync(join(dir, name), { recursive: true, force: true });
    return false;
  } finally {
    rmSync(cached, { recursive: true, force: true });
  }
}

/** Keeps the app's install (checked by `npm ls --all`) for the next run, in place of the app's earlier ones. */
function keepInstall(app: ConsumerApp, dir: string): void {
  if (process.env.AUTHKIT_TEST_FRESH_INSTALLS === '1') return;
  const cached = cacheOf(app);
  mkdirSync(installCache, { recursive: true });
  for (const name of readdirSync(installCache)) {
    if (name.startsWith(`${app.name}-`)) rmSync(join(installCache, name), { recursive: true, force: true });
  }
  const stage = mkdtempSync(join(installCache, 'stage-'));
  try {
    for (const name of INSTALL_FILES) renameSync(join(dir, name), join(stage, name));
    renameSync(stage, cached);
  } catch {
    rmSync(stage, { recursive: true, force: true }); // another disk (EXDEV), or another run: no cache
  }
}

/**
 * One app, start to end: install (once: every check below reuses it), `npm ls --all` clean, no `@nestjs/jwt` in its
 * tree and jsonwebtoken 9, a type check of its code against the package's declarations, the entries loaded by plain Node, and its own
 * e2e suite (its own runner, its own node_modules) against the suite's Redis.
 */
async function runApp(workdir: string, app: ConsumerApp, tarball: string, installed: Map<string, Promise<void>>): Promise<AppResult> {
  const dir = join(workdir, app.name);
  writeConsumerApp(dir, app, tarball);
  let done!: () => void;
  installed.set(app.name, new Promise<void>((resolveInstalled) => (done = resolveInstalled)));
  const seed = SEEDED_FROM[app.name];
  try {
    if (!restoreInstall(app, dir) && seed) {
      await installed.get(seed);
      for (const name of INSTALL_FILES) cpSync(join(workdir, seed, name), join(dir, name), { recursive: true, verbatimSymlinks: true });
    }
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);
  } finally {
    done();
  }
  // Exits non-zero on a missing, invalid or extraneous package, like `npm ls --all`.
  const tree = JSON.parse(await run('npm', ['ls', '--all', '--json'], dir));
  await run(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], dir);
  const loaded = JSON.parse(await run(process.execPath, loadScript(app), dir));
  const e2eOutput = await run('npm', ['run', 'test:e2e'], dir, {
    AUTH_JWT_SECRET: TEST_SECRET, REDIS_URL: process.env.REDIS_URL as string, AUTH_REDIS_PREFIX: `consumer${app.name.replace(/-/g, '')}`,
    NODE_ENV: 'test', FORCE_COLOR: '0', NO_COLOR: '1',
  }, true);
  return { nestJwtVersions: [...versionsOf(tree, '@nestjs/jwt')], jsonwebtokenVersions: [...versionsOf(tree, 'jsonwebtoken')], e2eOutput, loaded, dir };
}

/**
 * The tarball a clean checkout packs (`git clone && npm ci && npm pack`), installed into fresh apps shaped like
 * `nest new` makes them (Nest 11 + Express, Nest 11 + Fastify, Nest 12 as an ES module), each running its OWN e2e
 * suite: Jest + ts-jest on Node 20 for Nest 11, Vitest for Nest 12 (each scaffold's default). The three apps are
 * installed and tested at the same time (one install each, one npm cache); each `it` reports its own app.
 */
describe('the packed tarball in fresh consumer apps', () => {
  let workdir: string;
  const results = new Map<string, Promise<AppResult>>();

  beforeAll(() => {
    const { tarball } = packCleanCheckout();
    workdir = mkdtempSync(join(tmpdir(), 'authkit-consumers-'));
    const installed = new Map<string, Promise<void>>();
    for (const app of CONSUMER_APPS) {
      const result = runApp(workdir, app, tarball, installed);
      result.catch(() => undefined); // reported by the app's own test
      results.set(app.name, result);
    }
  }, 120_000);

  afterAll(async () => {
    for (const app of CONSUMER_APPS) {
      const result = await results.get(app.name)?.catch(() => undefined);
      if (result) keepInstall(app, result.dir);
    }
    if (workdir && existsSync(workdir)) rmSync(workdir, { recursive: true, force: true });
  });

  it.each(CONSUMER_APPS.map((app) => [app.name, app] as const))(
    '%s: npm ls clean without @nestjs/jwt (jsonwebtoken 9 only), type-checks, entries load, its own e2e suite passes',
    async (_name, app) => {
      const result = await results.get(app.name)!;
      expect(result.nestJwtVersions).toEqual([]);
      expect(result.jsonwebtokenVersions.length).toBeGreaterThan(0);
      expect(result.jsonwebtokenVersions.map((version) => Number(version.split('.')[0]))).toEqual(result.jsonwebtokenVersions.map(() => 9));
      expect(result.loaded).toEqual({
        main: ['function', 'function', 'function', 'function'],
        testing: ['function', 'function'],
        ...(app.esm ? {} : { passport: app.name === 'nest11-express' ? 'authkit-jwt' : 'not installed' }),
        internal: 'refused',
      });
      // Both tests of the app's suite ran and passed (the runner exits non-zero otherwise).
      expect(result.e2eOutput).toMatch(app.runner === 'jest' ? /Tests:\s+2 passed, 2 total/ : /Tests\s+2 passed \(2\)/);
    },
    300_000,
  );
});
