export { AuthModule } from './auth.module';
export {
  AUTH_MODULE_OPTIONS, AUTH_OPTIONS_TYPE, AUTH_ASYNC_OPTIONS_TYPE, type AuthModuleExtras,
} from './auth.module-definition';
export {
  type AuthModuleOptions, type ResolvedAuthOptions, type JwtOptions, type JwtAlgorithm, type KeyInput,
  type VerificationKeyOptions, type RedisConnectionOptions, type RefreshTokenTransport, type RefreshCookieOptions,
  type ProviderInput, JWT_ALGORITHMS, resolveAuthOptions,
} from './auth.options';
export {
  AUTHKIT_REDIS, AUTHKIT_REDIS_NAMESPACE, AUTHKIT_JWT_STRATEGY, IS_PUBLIC_KEY, ROLES_KEY, RESOLVED_AUTH_OPTIONS,
} from './auth.constants';
export * from './auth.errors';
export type { AuthenticatedUser, ClientInfo, PublicUser, TokenPair, SessionView } from './auth.types';
export { AuthService } from './identity/auth.service';

export { TokenService } from './tokens/token.service';
export type { JwtKey } from './tokens/signing-keys';
export type { AccessTokenClaims, IssuedAccessToken, IssuedRefreshToken, ParsedRefreshToken, JsonWebKeySet } from './tokens/token.types';

export { SessionStore } from './sessions/session-store.interface';
export type {
  SessionRecord, CreateSessionInput, RotateSessionInput, RotateResult, SessionStoreSettings,
} from './sessions/session-store.interface';
export { RedisSessionStore } from './sessions/redis-session.store';
export { MemorySessionStore } from './sessions/memory-session.store';
export { summarizeUserAgent, type SessionUserAgentMode } from './sessions/user-agent';

export { UserStore } from './identity/user-store.interface';
export type { AuthUser, StoredUser, NewUser } from './identity/user-store.interface';
export { RedisUserStore } from './identity/redis-user.store';
export { MemoryUserStore } from './identity/memory-user.store';
export { PasswordHasher } from './identity/password-hasher.interface';
export type { PasswordHashingOptions } from './identity/password-hasher.interface';
export { Argon2PasswordHasher } from './identity/argon2-password.hasher';
export { IdentityResolver, type Credentials, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from './identity/identity.resolver';
export { normalizeEmail } from './identity/email';

export { AccessTokenGuard } from './guards/access-token.guard';
export { RolesGuard, expandRoleHierarchy } from './guards/roles.guard';
export { AuthkitJwtStrategy } from './guards/authkit-jwt.strategy';
export type { AuthRequest } from './guards/auth-request';
export { Public } from './decorators/public.decorator';
export { Roles } from './decorators/roles.decorator';
export { CurrentUser } from './decorators/current-user.decorator';

export { AuthController, type TokenResponse } from './http/auth.controller';
export { CredentialsDto, RefreshDto } from './http/auth.dto';
export { AuthExceptionFilter } from './http/auth-exception.filter';
export type { ErrorBody } from './guards/auth-http-status';
export { FAIL_FAST_REDIS_OPTIONS } from './redis/authkit-redis.module';

// Abuse resistance: login throttling, password policy, request hygiene, Redis eviction check.
export { LoginThrottler, THROTTLE_SCOPES } from './throttling/login-throttler.interface';
export type {
  ThrottleScope, ThrottleRule, ScopedThrottleRule, LoginAttempt, ThrottleTicket, ThrottleVerdict, LoginOutcome,
} from './throttling/login-throttler.interface';
export { DEFAULT_THROTTLE_RULES, resolveThrottleRules, type ThrottleOptions } from './throttling/throttle.options';
export { RedisLoginThrottler } from './throttling/redis-login.throttler';
export { MemoryLoginThrottler } from './throttling/memory-login.throttler';
export { throttledLogin } from './throttling/throttled-login';
export {
  PasswordPolicy, type PasswordPolicyOptions, type ResolvedPasswordPolicyOptions, resolvePasswordPolicyOptions,
  POLICY_MIN_LENGTH, POLICY_MAX_LENGTH,
} from './identity/password-policy';
export { SAFE_EMAIL_CHARACTERS } from './identity/email';
export { JsonContentTypeGuard } from './http/json-content-type.guard';
export { AuthValidationPipe, hasForbiddenKeys } from './http/auth-validation.pipe';
export { MaxmemoryPolicyCheck, readMaxmemoryPolicy } from './redis/maxmemory-policy.check';

export {
  OAUTH_PROVIDERS, MAX_OAUTH_STATE_TTL_SECONDS, resolveOAuthOptions, type OAuthProviderName, type OAuthOptions,
  type OAuthProviderOptions, type GoogleOAuthOptions, type GitHubOAuthOptions, type OAuthLinkingPolicy,
  type OAuthUnverifiedEmailPolicy, type ResolvedOAuthOptions, type ResolvedOAuthProvider,
} from './oauth/oauth.options';
export * from './oauth/oauth.errors';
export type { OAuthProfile } from './oauth/oauth-profile';
export { OAuthStateStore, type OAuthStateRecord } from './oauth/oauth-state-store.interface';
export { RedisOAuthStateStore } from './oauth/redis-oauth-state.store';
export { MemoryOAuthStateStore } from './oauth/memory-oauth-state.store';
export { OAUTH_STRATEGIES, type OAuthStrategy } from './oauth/oauth-strategy.interface';
export { OAuth2Client, type AuthorizationRequest } from './oauth/oauth2-client';
export { GoogleOAuthStrategy } from './oauth/google.strategy';
export { GitHubOAuthStrategy } from './oauth/github.strategy';
export { OAuthService, type OAuthAuthorization, type OAuthCallbackInput, type OAuthCallbackResult } from './oauth/oauth.service';
export { OAuthController, type IdentityView } from './http/oauth.controller';
export {
  OAuthIdentityResolver, type OAuthLoginOutcome, type OAuthLoginResult,
} from './oauth/oauth-identity.resolver';
export type {
  UserIdentity, NewUserIdentity, LinkIdentityResult, UnlinkIdentityResult, IdentityUserStore,
} from './identity/user-store.interface';
export { missingIdentityMethods } from './identity/user-store.interface';
