// `nestjs-authkit/testing`: the contract suites the library's own adapters pass, for an app to run against its
// own adapter (Jest, or any runner with Jest-compatible globals `describe`/`it`/`expect`/`beforeEach`).
//
// In a spec file of the app (describeUserStoreContract imported from nestjs-authkit/testing):
//   describeUserStoreContract('PrismaUserStore', () => new PrismaUserStore(prisma));
export {
  describeUserStoreContract, describeUserStoreDeletionContract, type UserStoreFactory, type UserStoreProbe,
} from './testing/user-store.contract';
export { describeUserStoreIdentityContract } from './testing/user-store-identities.contract';
export {
  describeSessionStoreContract, type SessionStoreFactory, CONTRACT_SETTINGS as SESSION_CONTRACT_SETTINGS,
} from './testing/session-store.contract';
export { describeLoginThrottlerContract, type ThrottlerFactory } from './testing/login-throttler.contract';
export { describeOneTimeTokenStoreContract, type OneTimeTokenStoreFactory } from './testing/one-time-token-store.contract';
export { describeRouteThrottleContract, type RouteThrottleFactory } from './testing/route-throttle.contract';
export { ManualClock } from './testing/manual-clock';
