// @ts-check
/* Jest test sequencer of this project (jest.config.ts `testSequencer`; plain CommonJS: Jest loads it untransformed). */
const { readFileSync } = require('node:fs');
const { basename } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/**
 * The slowest suites (by file name, wherever they live), started first and in this order, so that they run beside
 * the many short ones instead of after them. Jest otherwise orders by the durations it cached from the last run on
 * this machine (longest first), or by file size on a fresh clone (as in CI).
 *
 * The consumer apps first: the longest suite, and up to three CPU-bound children at a time (npm, tsc, each app's own
 * suite); its first step packs the package, which packed-tarball and package wait for (test/support/packed-tarball.ts),
 * so those two start a little later, when the tarball is about ready. Failover last of these: it asserts latencies
 * (no request over 2 s while a master dies), so it starts when the consumer apps' children are mostly done, and its
 * waits (promotions, recoveries) still overlap the short suites instead of ending the run. (Its slowest request, on a
 * machine loaded by other runs: 0.8 s mid-run at load ~10; 1.2 s alone at load ~15; started together with the consumer
 * apps' fresh installs and the browser suite at load 13-19, 5.8 s without the priorities of test/support/priority.ts
 * and 1.99 s with them.)
 */
const SLOW_FIRST = [
  'consumer-apps.e2e.spec.ts',
  'browser.e2e.spec.ts',
  'readme-snippets.spec.ts',
  'account-lifecycle.e2e.spec.ts',
  // Mostly waiting (CLIENT PAUSE, DEBUG SLEEP, reuse windows): started early, they overlap the CPU-bound ones.
  'request-budget.e2e.spec.ts',
  'throttle-fail-closed.spec.ts',
  'refresh-lost-answer.e2e.spec.ts',
  'packed-tarball.spec.ts',
  'sample.e2e.spec.ts',
  // The other Chromium suites (~10 s each): by file size they would start late and end the run.
  'mfa-browser.e2e.spec.ts',
  'passkeys-browser.e2e.spec.ts',
  'oidc-browser.e2e.spec.ts',
  'core.e2e.spec.ts',
  'package.spec.ts',
  'public-api.spec.ts',
  'redis-failover.e2e.spec.ts',
];

/** Test files that run on the shared Redis Cluster / Sentinel set-up (see test/support/redis-topologies.ts). */
const usesTopologies = (/** @type {string} */ path) => /\bredisTopologies\(/.test(readFileSync(path, 'utf8'));

class AuthkitSequencer extends Sequencer {
  /** @param {import('@jest/test-result').Test[]} tests */
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (/** @type {import('@jest/test-result').Test} */ test) => {
      const index = SLOW_FIRST.indexOf(basename(test.path));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest keeps Jest's order.
    const ordered = [...sorted].sort((a, b) => rank(a) - rank(b));
    // For the topology broker (test/support/topology-broker.ts; RUN_ENV.topologySuites in run-env.ts): read by the
    // global setup, which runs after this in the same process.
    process.env.AUTHKIT_TEST_TOPOLOGY_SUITES = String(ordered.filter((test) => usesTopologies(test.path)).length);
    return ordered;
  }
}

/** For test/build/test-order.spec.ts, which checks that each name is a test file. */
AuthkitSequencer.SLOW_FIRST = SLOW_FIRST;

module.exports = AuthkitSequencer;
