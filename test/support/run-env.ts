/**
 * Environment variables through which the Jest global setup (main process) tells the workers and the test files
 * where this run's shared services are. Test-only names, set by test/support/global-setup.ts.
 */
export const RUN_ENV = {
  /** Comma list of redis-server URLs, one per Jest worker (the test environment picks its own as `REDIS_URL`). */
  workerRedisUrls: 'AUTHKIT_TEST_WORKER_REDIS_URLS',
  /** The topology broker (topology-broker.ts): where a test file acquires the Cluster and the Sentinel set-up. */
  broker: 'AUTHKIT_TEST_TOPOLOGY_BROKER',
  /**
   * How many test files of the run call `redisTopologies()`: counted by the sequencer (test/support/sequencer.js,
   * which spells the name out) before the global setup, so that the broker knows when the last one is done.
   */
  topologySuites: 'AUTHKIT_TEST_TOPOLOGY_SUITES',
  /** A temporary directory of this run, for what its suites build once and share. */
  runDir: 'AUTHKIT_TEST_RUN_DIR',
} as const;
