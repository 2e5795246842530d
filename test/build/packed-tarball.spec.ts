import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packCleanCheckout, type PackedTarball } from '../support/packed-tarball';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Every file path package.json points at: main, types, each `exports` target, each `typesVersions` target. */
function pointedAt(): string[] {
  const targets = Object.values<string | Record<string, string>>(pkg.exports).flatMap((target) => typeof target === 'string' ? [target] : Object.values(target));
  const typesVersions = Object.values<Record<string, string[]>>(pkg.typesVersions).flatMap((map) => Object.values(map).flat());
  return [pkg.main, pkg.types, ...targets, ...typesVersions].map((path) => path.replace(/^\.\//, ''));
}

/**
 * The tarball as `git clone && npm ci && npm pack` makes it: the working tree copied without dist/, packed there, so
 * dist/ is in it only because `prepack` builds it. Its file list is what npm ships.
 */
describe('the tarball of a clean checkout', () => {
  let packed: PackedTarball;

  beforeAll(() => {
    packed = packCleanCheckout();
  }, 180_000);

  it('prepack builds: dist/ with the main entry, both subpaths and their declarations', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
    for (const entry of ['index', 'passport', 'testing']) {
      expect(packed.files).toContain(`dist/${entry}.js`);
      expect(packed.files).toContain(`dist/${entry}.d.ts`);
    }
    // Copied by the build script: the password policy reads it at start-up.
    expect(packed.files).toContain('dist/core/users/common-passwords.txt');
    expect(packed.files.filter((path) => path.startsWith('dist/')).length).toBeGreaterThan(100);
  });

  it('every path package.json points at (main, types, exports, typesVersions) is in it', () => {
    expect(pointedAt().filter((path) => path !== 'package.json' && !packed.files.includes(path))).toEqual([]);
  });

  it('every emitted .js has its .d.ts', () => {
    const js = packed.files.filter((path) => path.endsWith('.js'));
    expect(js.filter((path) => !packed.files.includes(path.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  it('holds dist/, the docs, the licence and nothing else: no sources, tests, sample, bench, maps (the recipes in examples/ ship as copyable sources)', () => {
    const allowed = /^(dist\/|docs\/[\w-]+\.md$|examples\/[\w-]+\/|LICENSE$|README\.md$|CHANGELOG\.md$|package\.json$)/;
    expect(packed.files.filter((path) => !allowed.test(path))).toEqual([]);
    expect(packed.files.filter((path) => /\.(map|tsbuildinfo)$|\.spec\.|(^|\/)(test|sample|bench)\//.test(path))).toEqual([]);
    expect(packed.files.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts') && !path.startsWith('examples/'))).toEqual([]);
    expect(packed.files).toContain('examples/typeorm-user-store/typeorm-identity.store.ts');
    expect(packed.files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']));
  });

  it('the README\'s relative links resolve inside the package (docs/ ships with it)', () => {
    const readme = readFileSync(join(packed.unpacked, 'README.md'), 'utf8');
    const relative = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)].map((match) => match[1]);
    const shipped = new Set(packed.files);
    const dirs = new Set(packed.files.flatMap((path) => path.split('/').slice(0, -1).map((_, index, parts) => parts.slice(0, index + 1).join('/'))));
    // Links to the repository's own folders (sample/, examples/, bench/) are for readers of the repository, not of the package.
    const missing = relative.filter((path) => !/^(sample|examples|bench|test|lib)\//.test(path))
      .map((path) => path.replace(/\/$/, '')).filter((path) => !shipped.has(path) && !dirs.has(path));
    expect(missing).toEqual([]);
  });

  it('the packed package.json: jsonwebtoken 9 is a dependency and @nestjs/jwt is gone (no peer the app must match)', () => {
    const shipped = JSON.parse(readFileSync(join(packed.unpacked, 'package.json'), 'utf8'));
    expect(shipped.dependencies.jsonwebtoken).toMatch(/^\^9\./);
    expect(shipped.dependencies['@nestjs/jwt']).toBeUndefined();
    expect(shipped.peerDependencies['@nestjs/jwt']).toBeUndefined();
    expect(shipped.peerDependenciesMeta?.['@nestjs/jwt']).toBeUndefined();
  });

  it('the shipped code and declarations never load @nestjs/jwt, and the declarations never name jsonwebtoken (its types are not a dependency)', () => {
    const shippedFiles = packed.files.filter((path) => path.startsWith('dist/') && /\.(js|d\.ts)$/.test(path));
    expect(shippedFiles.length).toBeGreaterThan(10);
    const text = (path: string) => readFileSync(join(packed.unpacked, path), 'utf8');
    const loads = (name: string) => new RegExp(`(from\\s*|import\\(|require\\()['"]${name.replace('/', '\\/')}['"]`);
    expect(shippedFiles.filter((path) => loads('@nestjs/jwt').test(text(path)))).toEqual([]);
    // The access tokens, and the oidc feature's provider tokens (id_token and logout token verification, private_key_jwt).
    expect(shippedFiles.filter((path) => path.endsWith('.js') && loads('jsonwebtoken').test(text(path))).sort()).toEqual([
      'dist/core/tokens/token.service.js', 'dist/features/oidc/oidc-token.verifier.js', 'dist/features/oidc/oidc.strategy.js',
    ]);
    expect(shippedFiles.filter((path) => path.endsWith('.d.ts') && loads('jsonwebtoken').test(text(path)))).toEqual([]);
  });
});
