import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { buildPackage } from '../support/package-build';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the published package', () => {
  // `npm run build`, once per run for every suite that needs dist/.
  beforeAll(() => buildPackage(), 120_000);

  it('npm run build emits CommonJS dist/ with declarations, where package.json points', () => {
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.types).toBe('dist/index.d.ts');
    expect(existsSync(join(root, 'dist/index.js'))).toBe(true);
    expect(existsSync(join(root, 'dist/index.d.ts'))).toBe(true);
    expect(readFileSync(join(root, 'dist/index.js'), 'utf8')).toMatch(/exports\./);
    const types = readFileSync(join(root, 'dist/index.d.ts'), 'utf8');
    expect(types).toMatch(/AuthModule/);
    expect(types).toMatch(/SessionStore/);
  });

  it('the built entry exports the public API', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(join(root, pkg.main));
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

  it('@nestjs/jwt (under TokenService) is a runtime dependency, in a range whose releases peer Nest 11 or 12', () => {
    expect(pkg.dependencies['@nestjs/jwt']).toBe('^11.0.2 || ^12.0.0');
    expect(pkg.devDependencies?.['@nestjs/jwt']).toBeUndefined();
  });

  it('exports ".", "./passport" and "./testing"; optional peers stay optional; engines match require(esm) for Nest 12', () => {
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './passport', './testing']));
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.exports['./passport'].default).toBe('./dist/passport.js');
    expect(existsSync(join(root, 'dist/passport.js'))).toBe(true);
    for (const name of ['@liaoliaots/nestjs-redis', '@nestjs/passport', 'passport', 'passport-jwt', '@nestjs/websockets', 'graphql']) {
      expect(pkg.dependencies[name]).toBeUndefined();
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
    }
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('the tarball holds the LICENSE and no source maps pointing at unshipped sources', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
    const files: string[] = packed.files.map((file: { path: string }) => file.path);
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/index.js');
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(files.filter((file) => !file.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(file))).toEqual([]);
  });

  it('the built entry loads without the optional peers (@nestjs/passport, passport-jwt, @liaoliaots/nestjs-redis)', () => {
    const script = [
      "const Module = require('node:module');",
      "const load = Module._load;",
      "const optional = ['@nestjs/passport', 'passport', 'passport-jwt', '@liaoliaots/nestjs-redis', 'graphql', '@nestjs/websockets'];",
      "Module._load = function (request, ...rest) { if (optional.some((name) => request === name || request.startsWith(name + '/'))) throw new Error('not installed: ' + request); return load.call(this, request, ...rest); };",
      `const entry = require(${JSON.stringify(join(root, 'dist/index.js'))});`,
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
