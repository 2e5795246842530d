import type { Config } from 'jest';

/** What every project shares. */
const base = {
  rootDir: '.',
  // Jest's Node environment, plus each worker's own redis-server as REDIS_URL and the shared Redis Cluster / Sentinel
  // for the files that use them (see test/support/jest-environment.ts).
  testEnvironment: '<rootDir>/test/support/jest-environment.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  // The examples and the README snippets import the package by its name, as an app does.
  moduleNameMapper: {
    '^nestjs-authkit$': '<rootDir>/lib/index.ts',
    '^nestjs-authkit/(passport|testing)$': '<rootDir>/lib/$1',
  },
} satisfies Config;

/**
 * The HTTP e2e suites that build their app with test/support (createTestApp, createOAuthApp, createPlatformApp): they run a second
 * time on Fastify (`HTTP_ADAPTER=fastify`, set by test/support/fastify-env.ts), so both platforms keep one contract.
 */
const HTTP_E2E_SUITES = [
  'test/e2e/http-platform.e2e.spec.ts',
  'test/e2e/core.e2e.spec.ts',
  'test/e2e/authkit-jwt.strategy.e2e.spec.ts',
  'test/e2e/authkit-auth.guard.e2e.spec.ts',
  'test/e2e/linking-safety.e2e.spec.ts',
  'test/e2e/oauth-failure-redirect.e2e.spec.ts',
  'test/e2e/oauth-flow.e2e.spec.ts',
  'test/e2e/passport-sources.e2e.spec.ts',
  'test/e2e/redis-outage.e2e.spec.ts',
  'test/e2e/sample.e2e.spec.ts',
  'test/e2e/sample-oauth.e2e.spec.ts',
  'test/e2e/credential-version.e2e.spec.ts',
  'test/e2e/logout.e2e.spec.ts',
  'test/e2e/oauth-abuse.e2e.spec.ts',
  'test/e2e/refresh-rotation.e2e.spec.ts',
  'test/e2e/refresh-round-trips.e2e.spec.ts',
  'test/e2e/cookies-csrf.e2e.spec.ts',
  'test/e2e/hostile-input.e2e.spec.ts',
  'test/e2e/jwt-attacks.e2e.spec.ts',
  'test/e2e/login-throttling.e2e.spec.ts',
  'test/e2e/password-policy.e2e.spec.ts',
  'test/e2e/credential-oracle.e2e.spec.ts',
  'test/e2e/log-hygiene.e2e.spec.ts',
  'test/e2e/account-changes.e2e.spec.ts',
  'test/e2e/redis-faults.e2e.spec.ts',
  'test/e2e/paused-redis-lockout.e2e.spec.ts',
  'test/e2e/route-throttling.e2e.spec.ts',
  'test/e2e/http-hygiene.e2e.spec.ts',
  'test/e2e/browser-cookie.e2e.spec.ts',
  'test/e2e/login-round-trips.e2e.spec.ts',
  'test/events/auth-events.e2e.spec.ts',
  'test/http/account-lifecycle.e2e.spec.ts',
  'test/http/extension-points.e2e.spec.ts',
];

const config: Config = {
  projects: [
    { ...base, displayName: 'express', testMatch: ['<rootDir>/test/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'fastify',
      testMatch: HTTP_E2E_SUITES.map((path) => `<rootDir>/${path}`),
      setupFiles: ['<rootDir>/test/support/fastify-env.ts'],
    },
  ],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // The slowest suites first (test/support/sequencer.js).
  testSequencer: '<rootDir>/test/support/sequencer.js',
  // Suites run in parallel, each worker on its own redis-server (see testEnvironment). Most suites wait on I/O
  // (Redis, child processes, HTTP), so a 2-core machine runs more workers than cores; `--maxWorkers` overrides.
  maxWorkers: 3,
  testTimeout: 30_000,
};

export default config;
