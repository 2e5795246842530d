// The public API: what an app or an adapter author uses. test/build/public-api.spec.ts lists every export;
// an addition there is a reviewed decision. Subpaths: `nestjs-authkit/passport`, `nestjs-authkit/testing`.

// The module and its options.
export { AuthModule } from './auth.module';
export type { AuthModuleExtras } from './auth.module-extras';
export type { AuthModuleOptions, AdapterOptions, ProviderInput } from './auth.options';
export type { JwtOptions, JwtAlgorithm, KeyInput, VerificationKeyOptions } from './tokens/jwt.options';
export type { RedisClient, RedisConnectionOptions, RedisDurability, RedisSentinelAddress } from './redis/redis.options';
export type { RefreshTokenTransport, RefreshCookieOptions } from './http/cookie.options';
export type { PasswordPolicyOptions } from './identity/password-policy';
export type { ThrottleOptions } from './throttling/throttle.options';
export type { SessionUserAgentMode } from './sessions/user-agent';
export type { RefreshTokenRotation } from './sessions/session.options';
export type {
  AccountOptions, ClaimsFunction, ClaimsOptions, MailedTokenOptions,
} from './identity/account.options';
export type { AuthHooks, BeforeRegisterContext, BeforeLoginContext, BeforeOAuthLinkContext } from './identity/account-hooks';
export type { AppClaims, ClaimValue } from './tokens/app-claims';
export type { MailOptions } from './mail/mail.options';
export type {
  OAuthOptions, OAuthProviderName, OAuthProviderOptions, GoogleOAuthOptions, GitHubOAuthOptions, OAuthLinkingPolicy,
  OAuthUnverifiedEmailPolicy,
} from './oauth/oauth.options';
export type {
  PassportOAuthSource, PassportOAuth2StrategyOptions, PassportProfileMapping, PassportProfileMapper,
} from './oauth/passport-oauth.options';
export { FAIL_FAST_CLUSTER_OPTIONS, FAIL_FAST_REDIS_OPTIONS } from './redis/authkit-redis.module';

// Decorators and guards.
export { Public } from './decorators/public.decorator';
export { Roles } from './decorators/roles.decorator';
export { CurrentUser } from './decorators/current-user.decorator';
export { OptionalAuth } from './decorators/optional-auth.decorator';
export { IS_PUBLIC_KEY, ROLES_KEY, AUTHKIT_REDIS } from './auth.constants';
export { AccessTokenGuard } from './guards/access-token.guard';
export { RolesGuard } from './guards/roles.guard';
export { AuthGuardBase } from './guards/auth-guard.base';
export type { AuthRequest } from './guards/auth-request';

// Services and what they return.
export { AuthService } from './identity/auth.service';
export { IdentityResolver, type Credentials } from './identity/identity.resolver';
export { TokenService, type VerifiedAccessToken } from './tokens/token.service';
export type { AccessTokenClaims, IssuedAccessToken, JsonWebKeySet } from './tokens/token.types';
export type { AuthenticatedUser, ClientInfo, PublicUser, TokenPair, SessionView } from './auth.types';
export type { TokenResponse } from './http/auth.controller';
export type { AcceptedResponse } from './http/password.controller';
export { AccountService } from './identity/account.service';
export { AuthAdminService, type AdminActor, type AdminUserView } from './identity/auth-admin.service';

// Events (through @nestjs/event-emitter when the app registered EventEmitterModule).
export { AuthEvent, AUTH_EVENT_NAMES, type AuthEventName } from './events/auth-event.names';
export type * from './events/auth-event.payloads';
export { AuthEvents } from './events/auth-events.emitter';

// Errors: every AuthError has a stable `code`; AuthExceptionFilter maps them to HTTP.
export * from './auth.errors';
export * from './oauth/oauth.errors';
export { AuthExceptionFilter } from './http/auth-exception.filter';
export type { ErrorBody } from './guards/auth-http-status';

// Ports (interface + injection token) and the shipped adapters, for apps that bring their own storage.
export { UserStore, type IdentityUserStore } from './identity/user-store.interface';
export type {
  AuthUser, StoredUser, NewUser, UserIdentity, NewUserIdentity, LinkIdentityResult, UnlinkIdentityResult, SetPasswordHashOptions,
} from './identity/user-store.interface';
export { RedisUserStore } from './identity/redis-user.store';
export { MemoryUserStore } from './identity/memory-user.store';
export { normalizeEmail } from './identity/email';
export { SessionStore } from './sessions/session-store.interface';
export type {
  SessionRecord, CreateSessionInput, RotateSessionInput, RotateResult, SessionStoreSettings, RevokeAllSessionsOptions,
} from './sessions/session-store.interface';
export { RedisSessionStore } from './sessions/redis-session.store';
export { MemorySessionStore } from './sessions/memory-session.store';
export { PasswordHasher, type PasswordHashingOptions } from './identity/password-hasher.interface';
export { Argon2PasswordHasher } from './identity/argon2-password.hasher';
export { BcryptLegacyPasswordHasher, type BcryptLegacyHasherOptions } from './adapters/hashing/bcrypt-legacy.hasher';
export { LoginThrottler } from './throttling/login-throttler.interface';
export type {
  ThrottleScope, ThrottleRule, ScopedThrottleRule, LoginAttempt, ThrottleTicket, ThrottleVerdict, LoginOutcome,
} from './throttling/login-throttler.interface';
export { RedisLoginThrottler } from './throttling/redis-login.throttler';
export { MemoryLoginThrottler } from './throttling/memory-login.throttler';
export { RouteThrottle, type RateLimit, type RateLimitHit, type RateLimitVerdict } from './throttling/route-throttle.interface';
export type { RouteLimitOptions } from './throttling/throttle.options';
export { RedisRouteThrottle } from './throttling/redis-route.throttle';
export { MemoryRouteThrottle } from './throttling/memory-route.throttle';
export { clientIpKey } from './throttling/client-ip';
export { Mailer, type MailMessage, type MailKind } from './mail/mailer.interface';
export type { MailTemplate, MailTemplateContext, RenderedMail } from './mail/mail-templates';
export { SmtpMailer } from './mail/smtp.mailer';
export { LoggingMailer } from './mail/logging.mailer';
export { OneTimeTokenStore, type IssueOneTimeTokenInput, type ConsumeOneTimeTokenInput } from './tokens/one-time-token-store.interface';
export type { OneTimeTokenKind } from './tokens/one-time-token';
export { RedisOneTimeTokenStore } from './tokens/redis-one-time-token.store';
export { MemoryOneTimeTokenStore } from './tokens/memory-one-time-token.store';
