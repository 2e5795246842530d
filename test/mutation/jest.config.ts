import type { Config } from 'jest';

/**
 * The Jest run StrykerJS uses (`npm run test:mutation`): the fast unit specs that cover the security core, one
 * project (Express only: nothing here depends on the platform), against the standalone redis-server that
 * test/mutation/run.ts starts (the global setup then starts nothing).
 */
const config: Config = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }] },
  moduleNameMapper: {
    '^nestjs-authkit$': '<rootDir>/lib/index.ts',
    '^nestjs-authkit/(passport|testing)$': '<rootDir>/lib/$1',
  },
  // `npm run test:mutation` runs one group at a time (test/mutation/run.ts) and narrows the specs to the group's.
  testMatch: process.env.AUTHKIT_MUTATION_SPECS ? process.env.AUTHKIT_MUTATION_SPECS.split(',').map((spec) => `<rootDir>/${spec}`) : [
    '<rootDir>/test/core/tokens/*.spec.ts',
    '<rootDir>/test/core/guards/*.spec.ts',
    '<rootDir>/test/core/throttling/*.spec.ts',
    '<rootDir>/test/core/http/*.spec.ts',
    '<rootDir>/test/core/options/*.spec.ts',
    '<rootDir>/test/core/sessions/refresh-rotation.spec.ts',
    '<rootDir>/test/adapters/memory/memory-session.store.spec.ts',
    '<rootDir>/test/module/unknown-options.spec.ts',
    '<rootDir>/test/module/option-prototype-keys.spec.ts',
    '<rootDir>/test/auth.options.spec.ts',
  ],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
};

export default config;
