import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { packCleanCheckout, type PackedTarball } from '../support/packed-tarball';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The published package: the tarball a clean checkout packs (test/support/packed-tarball.ts), unpacked. */
describe('the published package', () => {
  let shipped: string;
  let packed: PackedTarball;

  beforeAll(() => {
    packed = packCleanCheckout();
    shipped = packed.unpacked;
  }, 180_000);

  it('its dist/ is CommonJS with declarations, where package.json points', () => {
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.types).toBe('dist/index.d.ts');
    expect(existsSync(join(shipped, 'dist/index.js'))).toBe(true);
    expect(existsSync(join(shipped, 'dist/index.d.ts'))).toBe(true);
    expect(readFileSync(join(shipped, 'dist/index.js'), 'utf8')).toMatch(/exports\./);
    const types = readFileSync(join(shipped, 'dist/index.d.ts'), 'utf8');
    expect(types).toMatch(/AuthModule/);
    expect(types).toMatch(/SessionStore/);
  });

  it('the shipped entry exports the public API', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(join(shipped, pkg.main));
    for (const name of ['AuthModule', 'Public', 'Roles', 'RolesGuard', 'AccessTokenGuard', 'CurrentUser', 'TokenService', 'SessionStore', 'UserStore', 'IdentityResolver', 'AuthService', 'AuthError']) {
      expect(entry[name]).toBeDefined();
    }
    expect(typeof entry.AuthModule.forRoot).toBe('function');
    expect(typeof entry.AuthModule.forRootAsync).toBe('function');
  });

  it('every package lib/ imports is declared in dependencies or peerDependencies; @nestjs/* are peers ^11 || ^12', () => {
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const imported = new Set<string>();
    for (const file of sourceFiles(join(root, 'lib'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from|import|require\()\s*['"]([^'"./][^'"]*)['"]/g)) {
        const spec = match[1];
        if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
    expect(imported.size).toBeGreaterThan(3);
    expect([...imported].filter((name) => !declared.has(name))).toEqual([]);
    for (const [name, range] of Object.entries<string>(pkg.peerDependencies)) {
      // @nestjs/event-emitter has its own version line (3.x for Nest 11, 12.x for Nest 12).
      if (name === '@nestjs/event-emitter') expect(range).toBe('^3.0.0 || ^12.0.0');
      else if (name.startsWith('@nestjs/')) expect(range).toBe('^11.0.0 || ^12.0.0');
    }
    expect(pkg.dependencies['@nestjs/core']).toBeUndefined();
    expect(pkg.peerDependenciesMeta?.['@nestjs/event-emitter']?.optional).toBe(true);
  });

  it('signs with jsonwebtoken 9 (a dependency: CommonJS, no Nest major), not @nestjs/jwt (12 is ESM-only: an app’s Jest on Node 20 cannot require it)', () => {
    expect(pkg.dependencies.jsonwebtoken).toMatch(/^\^9\./);
    expect(pkg.dependencies['@nestjs/jwt']).toBeUndefined();
    expect(pkg.peerDependencies['@nestjs/jwt']).toBeUndefined();
    expect(pkg.peerDependenciesMeta['@nestjs/jwt']).toBeUndefined();
    // The bench's docs recipe and its fixtures use it; nothing in lib/ does (the import check above).
    expect(pkg.devDependencies['@nestjs/jwt']).toMatch(/^\^11\./);
    const lockedJwt = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages['node_modules/jsonwebtoken'];
    expect(lockedJwt.version).toMatch(/^9\./);
    expect(lockedJwt.dev).toBeUndefined();
  });

  it('exports ".", "./passport" and "./testing"; optional peers stay optional; engines match require(esm) for Nest 12', () => {
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './passport', './testing']));
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.exports['./passport'].default).toBe('./dist/passport.js');
    expect(existsSync(join(shipped, 'dist/passport.js'))).toBe(true);
    for (const name of ['@liaoliaots/nestjs-redis', '@nestjs/passport', 'passport', 'passport-jwt', '@nestjs/websockets', 'graphql', 'bcryptjs']) {
      expect(pkg.dependencies[name]).toBeUndefined();
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
    }
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('the tarball holds the LICENSE and no source maps pointing at unshipped sources', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(packed.files).toContain('LICENSE');
    expect(packed.files).toContain('dist/index.js');
    expect(packed.files.filter((file) => file.endsWith('.map'))).toEqual([]);
    // The ORM recipes ship as copyable sources (node_modules/nestjs-authkit/examples/), with their migrations and READMEs.
    for (const recipe of [
      'typeorm-user-store/typeorm-identity.store.ts', 'typeorm-user-store/README.md', 'drizzle-user-store/migrations/0000_authkit_users.sql',
      'typeorm-user-store/typeorm-mfa-factor.store.ts', 'drizzle-user-store/migrations/0001_authkit_mfa.sql', 'drizzle-user-store/drizzle-mfa-factor.store.ts',
    ]) {
      expect(packed.files).toContain(`examples/${recipe}`);
    }
  });

  it('the shipped entry loads without the optional peers (@nestjs/passport, passport-jwt, @liaoliaots/nestjs-redis, bcryptjs...)', () => {
    const script = [
      "const Module = require('node:module');",
      "const load = Module._load;",
      "const optional = ['@nestjs/passport', 'passport', 'passport-jwt', '@liaoliaots/nestjs-redis', 'graphql', '@nestjs/websockets', 'bcryptjs'];",
      "Module._load = function (request, ...rest) { if (optional.some((name) => request === name || request.startsWith(name + '/'))) throw new Error('not installed: ' + request); return load.call(this, request, ...rest); };",
      `const entry = require(${JSON.stringify(join(shipped, 'dist/index.js'))});`,
      "if (typeof entry.AuthModule.forRoot !== 'function') process.exit(2);",
    ].join('\n');
    expect(() => execFileSync(process.execPath, ['-e', script], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  it('lib/ does not import sample or test code', () => {
    for (const file of sourceFiles(join(root, 'lib'))) {
      expect(readFileSync(file, 'utf8')).not.toMatch(/from ['"][./]*(sample|test|bench)\//);
    }
  });
});
