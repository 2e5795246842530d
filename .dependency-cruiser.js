/**
 * The architecture of lib/ (docs/architecture.md): a kernel that knows no feature, adapters behind its ports, and one
 * folder per feature.
 *   lib/core/**          the kernel: imports only lib/core
 *   lib/adapters/<kind>/ store adapters (redis, memory, mail, hashing): import lib/core and their own kind (the
 *                        Redis throttles also their in-process fallback, the memory throttles, while Redis is down)
 *   lib/features/<name>/ a feature: imports lib/core and lib/adapters, never another feature
 *   lib/*.ts, lib/testing/  the composition root and the public entry points: import anything in lib/
 * `npm run lint:deps` checks it (and that there are no cycles); `.ci/run` runs it.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-knows-no-feature', severity: 'error',
      comment: 'lib/core imports only lib/core (no feature, no adapter, no composition root)',
      from: { path: '^lib/core/' }, to: { path: '^lib/', pathNot: '^lib/core/' },
    },
    {
      name: 'adapters-import-core-only', severity: 'error',
      comment: 'an adapter imports lib/core and adapters of its own kind only (and the Redis throttles their in-process fallback)',
      from: { path: '^lib/adapters/([^/]+)/' },
      to: { path: '^lib/', pathNot: '^lib/(core|adapters/$1)/|^lib/adapters/memory/memory-(login\\.throttler|route\\.throttle)\\.ts$' },
    },
    {
      name: 'feature-imports-core-and-adapters', severity: 'error',
      comment: 'a feature imports lib/core, lib/adapters and itself, never another feature or the composition root',
      from: { path: '^lib/features/([^/]+)/' }, to: { path: '^lib/', pathNot: '^lib/(core|adapters|features/$1)/' },
    },
    { name: 'no-circular', severity: 'error', comment: 'no import cycles', from: {}, to: { circular: true } },
    {
      name: 'every-file-has-a-place', severity: 'error', comment: 'each lib/ file is in core, adapters, features, testing or the root',
      from: { path: '^lib/', pathNot: '^lib/((core|adapters|features|testing)/|[^/]+\\.ts$)' }, to: {},
    },
    {
      name: 'lib-is-self-contained', severity: 'error', comment: 'lib/ never imports the tests, the sample or the bench',
      from: { path: '^lib/' }, to: { path: '^(test|sample|bench)/' },
    },
    {
      name: 'bench-and-sample-not-from-tests', severity: 'error', comment: 'bench/ and sample/ do not import test/',
      from: { path: '^(bench|sample)/' }, to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // bench:cpu --baseline builds old commits into bench/.tmp: not this tree's code.
    exclude: { path: '^bench/\.tmp/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
