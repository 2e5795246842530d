import { availableParallelism } from 'node:os';
import type { Config } from 'jest';

/*
 * `npm test` runs every suite, in parallel (.ci/run calls it). A part (package.json scripts):
 *   npm run test:unit     the suites that are not *.e2e.spec.ts (options, stores, services; real Redis), on Express
 *   npm run test:e2e      the *.e2e.spec.ts suites (HTTP, OAuth, browser, Redis faults and failover), on both platforms
 *   npm run test:fastify  the Fastify re-run (FASTIFY_SUITES below)
 *   npm run test:build    the package: build, tarball, consumer apps, public API, README snippets
 * Jest arguments narrow any of them: `npm test -- logout`, `npm run test:e2e -- --selectProjects express`.
 */

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
 * The HTTP e2e suites (they build their app with test/support: createTestApp, createAbuseApp, createOAuthApp,
 * createPlatformApp) that run a second time on Fastify (`HTTP_ADAPTER=fastify`, set by test/support/fastify-env.ts),
 * so both platforms keep one contract. By file name, wherever the file lives.
 *
 * The rule: a suite re-runs on Fastify when one of its assertions reads something the HTTP platform produces or
 * parses: cookies, headers (WWW-Authenticate, Retry-After, Cache-Control, CORS...), redirects, request bodies
 * (JSON parsing, size limits, content types), error bodies of the exception filter or of Nest, CSRF checks
 * (Origin, Sec-Fetch-Site), hostile input, the client ip (`trust proxy` / X-Forwarded-For is configured per
 * platform), request.user / @CurrentUser() (passport on Fastify), OAuth redirects and callbacks, the sample's
 * bootstrap, logs (Fastify has its own). A suite whose assertions are about what happens behind the controller,
 * the same code on both platforms, runs once (on Express): Redis faults and pauses, throttling counters,
 * events, Redis round-trip counts, forged JWTs against the guard, session and credential bookkeeping. When in
 * doubt, the suite stays in the list.
 *
 * Run once, and why they cannot tell the platforms apart:
 * - credential-version: concurrent logins against a change of the credentials (sessions and versions in Redis);
 * - account-changes: a refresh re-reads the user, revocation options, the absolute lifetime (store-level);
 * - redis-faults, redis-outage, paused-redis-lockout: Redis stopped, paused, evicting (503 and its Retry-After
 *   stay covered on Fastify by route-throttling, authkit-jwt.strategy, account-lifecycle);
 * - refresh-rotation: rotation, reuse and the write pause (JSON bodies; cookies are cookies-csrf's and browser-cookie's);
 * - refresh-round-trips, login-round-trips: the Redis commands of a refresh / login (MONITOR);
 * - jwt-attacks: forged and malformed tokens in the Authorization header, refused by the guard (401 body and
 *   WWW-Authenticate stay covered on Fastify by core, authkit-auth.guard, http-platform);
 * - auth-events: the events and their payloads.
 */
const FASTIFY_SUITES = [
  // The platform itself, and the whole flow.
  'http-platform.e2e.spec.ts',
  'core.e2e.spec.ts',
  // request.user through passport's AuthGuard; the library's error body and WWW-Authenticate.
  'authkit-jwt.strategy.e2e.spec.ts',
  'authkit-auth.guard.e2e.spec.ts',
  // OAuth: redirects, state cookies, callbacks.
  'linking-safety.e2e.spec.ts',
  'oauth-failure-redirect.e2e.spec.ts',
  'oauth-flow.e2e.spec.ts',
  'passport-sources.e2e.spec.ts',
  'oidc.e2e.spec.ts',
  'oauth-abuse.e2e.spec.ts',
  // The sample's bootstrap (pipes, CORS, pages) on the platform.
  'sample.e2e.spec.ts',
  'sample-oauth.e2e.spec.ts',
  // Cookies, CSRF, headers of refused requests.
  'logout.e2e.spec.ts',
  'cookies-csrf.e2e.spec.ts',
  'browser-cookie.e2e.spec.ts',
  'credential-oracle.e2e.spec.ts',
  // Bodies, hostile input, HTTP hygiene, logs.
  'hostile-input.e2e.spec.ts',
  'password-policy.e2e.spec.ts',
  'http-hygiene.e2e.spec.ts',
  'log-hygiene.e2e.spec.ts',
  // The client ip (trust proxy, X-Forwarded-For) that the throttles key on.
  'login-throttling.e2e.spec.ts',
  'route-throttling.e2e.spec.ts',
  // Routes, bodies and request.user of the account lifecycle and the extension points.
  'account-lifecycle.e2e.spec.ts',
  'extension-points.e2e.spec.ts',
  // Reset and verify: token-first answers, 429 bodies and Retry-After; the admin routes' refusals after a demotion.
  'recovery-token-first.e2e.spec.ts',
  'pre-account-takeover.e2e.spec.ts',
  'admin-demotion.e2e.spec.ts',
  // An app's own feature: its controller mounted under the auth prefix; sign-in steps on login and OAuth redirects.
  'writing-a-feature.e2e.spec.ts',
  'sign-in-steps.e2e.spec.ts',
  // Two-factor sign-in: the challenge answer without cookie, the pending-sign-in cookie of OAuth redirects, 429 + Retry-After.
  'mfa.e2e.spec.ts',
  // Passkeys: public JSON routes, the token response and refresh cookie of a passkey sign-in, 201/204/409 answers.
  'passkeys.e2e.spec.ts',
  // The per-request store budget rides on the platform's middleware (AsyncLocalStorage across its request chain).
  'request-budget.e2e.spec.ts',
  // Step-up: POST /auth/reauthenticate and the 401 reauthentication_required of @RequireRecentAuth routes.
  'step-up.e2e.spec.ts',
  // Organizations: @OrgRoles on the platform's route params (:orgId), the 401 access_token_stale of a changed membership.
  'organizations.e2e.spec.ts',
  // API keys (the Authorization header only, never a cookie; 429 + Retry-After per key) and magic links (202, the token response, mfaRequired).
  'api-keys.e2e.spec.ts',
  'magic-link.e2e.spec.ts',
];

const config: Config = {
  projects: [
    { ...base, displayName: 'express', testMatch: ['<rootDir>/test/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'fastify',
      testMatch: FASTIFY_SUITES.map((name) => `<rootDir>/**/${name}`),
      setupFiles: ['<rootDir>/test/support/fastify-env.ts'],
    },
  ],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // The slowest suites first (test/support/sequencer.js).
  testSequencer: '<rootDir>/test/support/sequencer.js',
  // Suites run in parallel, each worker on its own redis-server (see testEnvironment): one worker more than cores
  // (3 on 2 cores), because a run mostly waits (failovers, CLIENT PAUSE, npm installs, browsers; 1.2 of 2 cores busy
  // with a worker per core). The suites that assert latencies (failover: no request over 2 s while a master dies;
  // the request budget) wait on timers and keep their margins beside two busy workers. `--maxWorkers` overrides.
  maxWorkers: availableParallelism() + 1,
  testTimeout: 30_000,
};

export default config;
