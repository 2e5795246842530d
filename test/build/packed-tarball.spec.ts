import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packedTarball } from '../support/package-build';

const root = resolve(__dirname, '../..');

function installedVersion(name: string): string {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/**
 * The package as npm ships it: `npm pack`, installed into a fresh temporary app, whose code imports the main
 * entry and both subpaths (`nestjs-authkit/passport`, `nestjs-authkit/testing`) through package.json `exports`.
 */
describe('the packed tarball', () => {
  let dir: string;
  let tarball: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'authkit-pack-'));
    // `npm run build` and `npm pack`, once per run for every suite that needs them.
    tarball = await packedTarball();
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    const peers = ['@nestjs/common', '@nestjs/core', '@nestjs/passport', 'passport', 'passport-jwt', 'reflect-metadata', 'rxjs'];
    writeFileSync(join(app, 'package.json'), JSON.stringify({
      name: 'consumer', private: true,
      dependencies: { 'nestjs-authkit': `file:${tarball}`, ...Object.fromEntries(peers.map((name) => [name, installedVersion(name)])) },
    }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, stdio: 'pipe' });
  }, 240_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships dist/ only (no sources, tests, sample or bench)', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(listing).toContain('package/dist/index.js');
    expect(listing).toContain('package/dist/passport.js');
    expect(listing).toContain('package/dist/testing.js');
    expect(listing.filter((path) => /^package\/(lib|test|sample|bench)\//.test(path))).toEqual([]);
  });

  it('the main entry and both subpaths load in a fresh app, through package.json exports', () => {
    const script = `
      require('reflect-metadata');
      const main = require('nestjs-authkit');
      const passport = require('nestjs-authkit/passport');
      const testing = require('nestjs-authkit/testing');
      let internal = 'refused';
      try { require('nestjs-authkit/dist/tokens/token.service'); internal = 'loaded'; } catch { /* not exported */ }
      console.log(JSON.stringify({
        main: typeof main.AuthModule.forRootAsync,
        strategy: typeof passport.AuthkitJwtStrategy, strategyName: passport.AUTHKIT_JWT_STRATEGY,
        contracts: ['describeUserStoreContract', 'describeSessionStoreContract', 'describeLoginThrottlerContract'].map((n) => typeof testing[n]),
        clock: typeof new testing.ManualClock().now(),
        internal,
      }));`;
    const out = JSON.parse(execFileSync('node', ['-e', script], { cwd: join(dir, 'app'), encoding: 'utf8' }));
    expect(out).toEqual({
      main: 'function',
      strategy: 'function', strategyName: 'authkit-jwt',
      contracts: ['function', 'function', 'function'],
      clock: 'number',
      internal: 'refused',
    });
  });
});
