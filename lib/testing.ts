// `nestjs-authkit/testing`: the contract suites the library's own adapters pass, for an app to run against its
// own adapter (Jest, or any runner with Jest-compatible globals `describe`/`it`/`expect`/`beforeEach`).
//
// In a spec file of the app (imported from nestjs-authkit/testing), one suite per port the store implements:
//   describeUserStoreContract('PrismaUserStore', () => new PrismaUserStore(prisma));
//   describeCredentialStoreContract('PrismaUserStore', () => new PrismaUserStore(prisma));
//   describeIdentityStoreContract('PrismaUserStore', async () => ({ store: new PrismaUserStore(prisma), close: async () => {} }));
export {
  describeUserStoreContract, describeUserStoreDeletionContract, type UserStoreFactory, type UserStoreProbe,
} from './testing/user-store.contract';
export { describeCredentialStoreContract, type CredentialStoreFactory } from './testing/credential-store.contract';
export { describeIdentityStoreContract, type IdentityStoreUnderTest } from './testing/identity-store.contract';
export type { UserPorts, PortsUnderTest } from './testing/user-ports';
export {
  describeSessionStoreContract, type SessionStoreFactory, CONTRACT_SETTINGS as SESSION_CONTRACT_SETTINGS,
} from './testing/session-store.contract';
export { describeLoginThrottlerContract, type ThrottlerFactory } from './testing/login-throttler.contract';
export { describeOneTimeTokenStoreContract, type OneTimeTokenStoreFactory } from './testing/one-time-token-store.contract';
export { describeRouteThrottleContract, type RouteThrottleFactory } from './testing/route-throttle.contract';
export { ManualClock } from './testing/manual-clock';

// Testing an app that uses the library: a user in its stores, a signed-in session in one line (through the real
// sign-in pipeline), and a stub principal for tests without tokens or Redis (`overrideGuard(AccessTokenGuard)`).
export {
  createTestUser, signInAs, type AuthTestApp, type TestUserInput, type TestUser, type TestSession,
} from './testing/sign-in-as';
export { StubAccessTokenGuard, type StubPrincipal } from './testing/stub-access-token.guard';
export {
  describeMfaFactorStoreContract, describeMfaChallengeStoreContract, type MfaFactorStoreFactory, type MfaChallengeStoreFactory,
} from './testing/mfa-store.contract';
export { describeOrganizationStoreContract, type OrganizationStoresFactory } from './testing/organization-store.contract';
export {
  describePasskeyCredentialStoreContract, describePasskeyChallengeStoreContract, type PasskeyCredentialStoreFactory,
  type PasskeyChallengeStoreFactory,
} from './testing/passkey-store.contract';
// A software WebAuthn authenticator (real attestation and assertion objects) for an app's passkey tests.
export { SoftAuthenticator, type SoftCredential, type SoftAlgorithm, type SoftCeremonyOptions, type SoftCreateOptions } from './testing/soft-authenticator';
export { describeApiKeyStoreContract, type ApiKeyStoreFactory } from './testing/api-key-store.contract';
