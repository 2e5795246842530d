import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** The files a clean checkout of the working tree holds: tracked and new files, minus ignored ones (no dist/, no node_modules/). */
function checkoutFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  return listed.split('\0').filter((path) => path && existsSync(join(root, path))).sort();
}

/** A digest of those files (paths and contents): the same checkout packs to the same tarball. */
function checkoutDigest(files: string[]): string {
  const hash = createHash('sha256');
  for (const path of files) hash.update(path).update('\0').update(readFileSync(join(root, path))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** What `packCleanCheckout` gives: the tarball, and the file list npm reported for it. */
export interface PackedTarball {
  tarball: string;
  /** Paths inside the package, as `npm pack --json` lists them (`dist/index.js`, `package.json`...). */
  files: string[];
  /** The tarball unpacked (`<dir>/package/...`), to load the shipped dist/ without installing it. */
  unpacked: string;
}

function read(dir: string): PackedTarball {
  const { filename, files } = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8'));
  return { tarball: join(dir, filename), files, unpacked: join(dir, 'unpacked', 'package') };
}

/**
 * `git clone && npm ci && npm pack`, as a user or CI would run it: the working tree's files are copied into a fresh
 * directory with no dist/ (the root's node_modules is linked in, the same `npm ci` result), and `npm pack` runs there,
 * so the tarball's dist/ exists only if `prepack` builds it. The tarball and its unpacked copy are kept in
 * node_modules/.cache under a digest of the checkout's files: the suites that need them (and later runs on an
 * unchanged tree) pack once. Being under the root, the unpacked dist/ resolves its dependencies from the root's
 * node_modules, so a suite can load what ships without installing it. Suites that ask at the same time (parallel
 * workers) wait for the one that packs (a lock directory per digest) instead of building the package again.
 */
export function packCleanCheckout(): PackedTarball {
  const files = checkoutFiles();
  const base = join(root, 'node_modules', '.cache', 'nestjs-authkit-pack');
  const digest = checkoutDigest(files);
  const cached = join(base, digest);
  if (existsSync(join(cached, 'pack.json'))) return read(cached);

  mkdirSync(base, { recursive: true });
  const lock = join(base, `lock-${digest}`);
  if (!takeLock(lock, () => existsSync(join(cached, 'pack.json')))) return read(cached);
  try {
    return pack(files, base, cached);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Blocks this worker for `ms` (it runs one suite, which waits for the tarball anyway). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock directory (true), or waits while another process holds it and returns false once `done()` (that
 * process packed). A lock whose process is gone (killed mid-pack) is taken over.
 */
function takeLock(lock: string, done: () => boolean): boolean {
  const deadline = Date.now() + 300_000;
  let unnamedSince = Infinity;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (done()) return false;
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // Just created, its pid not written yet.
    }
    unnamedSince = Number.isNaN(holder) ? Math.min(unnamedSince, Date.now()) : Infinity;
    const gone = Number.isNaN(holder) ? Date.now() - unnamedSince > 10_000 : !alive(holder);
    if (gone) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`packCleanCheckout: ${lock} held by process ${holder} for 5 minutes`);
    else pause(200);
  }
}

/** Packs the checkout's `files` into `cached` (see packCleanCheckout). */
function pack(files: string[], base: string, cached: string): PackedTarball {
  if (existsSync(join(cached, 'pack.json'))) return read(cached);
  const stage = mkdtempSync(join(base, 'stage-'));
  const checkout = mkdtempSync(join(tmpdir(), 'authkit-checkout-'));
  try {
    for (const path of files) {
      mkdirSync(dirname(join(checkout, path)), { recursive: true });
      copyFileSync(join(root, path), join(checkout, path));
    }
    symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    const output = execFileSync('npm', ['pack', '--json', '--pack-destination', stage], {
      cwd: checkout, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' },
    });
    // With --json, npm writes the prepack script's output to stderr: stdout is the JSON alone.
    const [packed] = JSON.parse(output);
    const paths = (packed.files as { path: string }[]).map((file) => file.path).sort();
    mkdirSync(join(stage, 'unpacked'));
    execFileSync('tar', ['-xzf', join(stage, packed.filename), '-C', join(stage, 'unpacked')]);
    writeFileSync(join(stage, 'pack.json'), JSON.stringify({ filename: packed.filename, files: paths }));
    try {
      renameSync(stage, cached);
    } catch {
      // Another suite packed the same checkout meanwhile: use its copy.
      rmSync(stage, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(stage, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(checkout, { recursive: true, force: true });
  }
  // Packs of earlier contents of the tree are not needed any more.
  for (const name of readdirSync(base)) {
    if (!name.startsWith('stage-') && name !== `lock-${basename(cached)}` && join(base, name) !== cached) rmSync(join(base, name), { recursive: true, force: true });
  }
  return read(cached);
}
