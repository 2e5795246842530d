// The public API: what an app or an adapter author uses. test/build/public-api.spec.ts lists every export;
// an addition there is a reviewed decision. Subpaths: `nestjs-authkit/passport`, `nestjs-authkit/testing`.

// The module and its options.
export { AuthModule } from './auth.module';
export type { AuthModuleExtras } from './auth.module-extras';
export type { AuthFeature, AuthFeatureContext, AuthFeatureParts } from './core/feature/auth-feature';
export type { AuthModuleOptions, AdapterOptions, ProviderInput } from './auth.options';
export type { JwtOptions, JwtAlgorithm, KeyInput, VerificationKeyOptions } from './core/tokens/jwt.options';
export type { RedisClient, RedisConnectionOptions, RedisDurability, RedisSentinelAddress } from './adapters/redis/redis.options';
export type { RefreshTokenTransport, RefreshCookieOptions } from './core/http/cookie.options';
export type { PasswordPolicyOptions } from './core/users/password-policy';
export type { BreachedPasswordOptions } from './core/users/breached-passwords';
export type { ThrottleOptions } from './core/throttling/throttle.options';
export type { SessionUserAgentMode } from './core/sessions/user-agent';
export type { RefreshTokenRotation } from './core/sessions/session.options';
export type {
  AccountOptions, ClaimsFunction, ClaimsOptions, MailedTokenOptions,
} from './core/options/account.options';
export type { AuthHooks, BeforeRegisterContext, BeforeLoginContext, BeforeOAuthLinkContext } from './core/sign-in/auth-hooks';
export type { AppClaims, ClaimValue } from './core/tokens/app-claims';
export type { MailOptions } from './core/mail/mail.options';
export type {
  OAuthOptions, OAuthProviderName, OAuthProviderOptions, GoogleOAuthOptions, GitHubOAuthOptions, OAuthLinkingPolicy,
  OAuthUnverifiedEmailPolicy,
} from './features/oauth/oauth.options';
export type {
  OidcOptions, OidcProviderOptions, OidcClaimsMapping, OidcAlgorithm, OidcClientAuthMethod, OidcPrivateKeyJwtOptions,
} from './features/oidc/oidc.options';
export { OidcBackchannelLogout } from './features/oidc/oidc-backchannel.service';
export { OAuthSourceRegistry, type OAuthStrategy, type OAuthProfile, type OAuthAuthorizationStart } from './core/sign-in/oauth-sources';
export type {
  PassportOAuthSource, PassportOAuth2StrategyOptions, PassportProfileMapping, PassportProfileMapper,
} from './features/oauth/passport-oauth.options';
export { FAIL_FAST_CLUSTER_OPTIONS, FAIL_FAST_REDIS_OPTIONS } from './adapters/redis/authkit-redis.module';

// Decorators and guards.
export { Public } from './core/decorators/public.decorator';
export { Roles } from './core/decorators/roles.decorator';
export { CurrentUser } from './core/decorators/current-user.decorator';
export { OptionalAuth } from './core/decorators/optional-auth.decorator';
export { IS_PUBLIC_KEY, ROLES_KEY, AUTHKIT_REDIS } from './core/auth.constants';
export { AccessTokenGuard } from './core/guards/access-token.guard';
export { RolesGuard } from './core/guards/roles.guard';
export { RequireRecentAuth } from './core/decorators/require-recent-auth.decorator';
export { RECENT_AUTH_KEY, RecentAuthGuard, type RecentAuthRequirement } from './core/guards/recent-auth.guard';
export { type ReauthenticatedTokens, ReauthenticationService } from './core/sessions/reauthentication.service';
export {
  type ReauthenticationProof, SECOND_FACTORS, type SecondFactors, type SecondFactorSummary, SecondFactorRegistry, type SecondFactorMethod,
  type SecondFactorCheck,
} from './core/sessions/second-factors';
export { AuthGuardBase } from './core/guards/auth-guard.base';
export type { AuthRequest } from './core/guards/auth-request';

// Services and what they return.
export { AuthService } from './core/sign-in/auth.service';
// The sign-in pipeline: primary factor -> sign-in steps (an app adds its own: `signInSteps`) -> SessionIssuer.
export { SignInPipeline, type SignInOptions } from './core/sign-in/sign-in-pipeline';
export {
  SIGN_IN_STEPS, type SignInStep, type SignInStepInput, type SignInStepResult, type SignInAttempt, type SignInChallenge, type SignInMethod,
  type SignInOutcome, type PrimaryFactor,
} from './core/sign-in/sign-in-step';
export type { SignInPipelineOptions } from './core/sign-in/sign-in.options';
export { PasswordSignIn } from './features/password/password-sign-in';
export { RegistrationService, type RegistrationAccepted, type RegistrationPendingVerification } from './features/password/registration.service';
export { RefreshService } from './core/sessions/refresh.service';
export { SessionsService } from './core/sessions/sessions.service';
export { IdentityResolver, type Credentials } from './core/users/identity-resolver.service';
export { TokenService, type VerifiedAccessToken } from './core/tokens/token.service';
export type { AccessTokenClaims, IssuedAccessToken, JsonWebKeySet } from './core/tokens/token.types';
export type { AuthenticatedUser, ClientInfo, PublicUser, TokenPair, SessionView } from './core/auth.types';
export { TokenResponder, type TokenResponse } from './core/http/token-responder';
export type { AcceptedResponse } from './features/recovery/password.controller';
export { AccountService } from './features/recovery/account.service';
// Two-factor sign-in (`mfa` option).
export type { MfaOptions, MfaRequirement } from './features/mfa/mfa.options';
export type { MfaEncryptionKey } from './features/mfa/mfa-secret.cipher';
export { MfaEnrolmentService, type MfaStatus } from './features/mfa/mfa-enrolment.service';
export { MfaSignInService } from './features/mfa/mfa-sign-in.service';
export type { MfaProof } from './features/mfa/mfa-verifier';
export {
  MfaFactorStore, MfaChallengeStore, type MfaFactors, type MfaChallengeRecord, type MfaFailure, type ConfirmTotpResult,
} from './features/mfa/mfa-store.interface';
export { MemoryMfaFactorStore, MemoryMfaChallengeStore } from './features/mfa/memory-mfa.stores';
export { RedisMfaFactorStore, RedisMfaChallengeStore } from './features/mfa/redis-mfa.stores';
export type { MfaNoticeKind, MfaNoticeMailContext, MfaNoticeMailTemplate } from './features/mfa/mfa.mail-templates';
// Passkeys (`passkeys` option).
export type { PasskeyOptions, PasskeyStores } from './features/passkeys/passkeys.options';
export { PasskeyAccounts, PasskeySignIn, type PasskeyView } from './features/passkeys/passkey-accounts';
export {
  PasskeyCredentialStore, PasskeyChallengeStore, type StoredPasskey, type PasskeyChallengeRecord, type AddPasskeyResult, type RecordUseResult,
} from './features/passkeys/passkey-store.interface';
export { MemoryPasskeyCredentialStore, MemoryPasskeyChallengeStore } from './features/passkeys/memory-passkey.stores';
export { RedisPasskeyCredentialStore, RedisPasskeyChallengeStore } from './features/passkeys/redis-passkey.stores';
export type { PasskeyNoticeKind, PasskeyNoticeMailContext, PasskeyNoticeMailTemplate } from './features/passkeys/passkeys.mail-templates';
export { AuthAdminService, type AdminActor, type AdminUserView } from './features/admin/auth-admin.service';
// Organizations (`organizations` option).
export type { OrganizationsOptions, OrganizationStores } from './features/organizations/organizations.options';
export { OrgRoles, CurrentOrg, OrgRolesGuard, type CurrentOrganization } from './features/organizations/org-roles.guard';
export { OrganizationsService } from './features/organizations/organizations.service';
export { OrganizationInvitations, type InvitationSent } from './features/organizations/organization-invitations.service';
export type { OrganizationSwitchResponse } from './features/organizations/organization-switcher';
export {
  OrganizationStore, OrganizationInvitationStore, type Organization, type OrganizationMembership, type UserOrganization,
  type OrganizationInvitation, type MemberChangeResult, type TransferResult, type AcceptInvitationResult,
} from './features/organizations/organization-store.interface';
export { MemoryOrganizationStore, MemoryOrganizationInvitationStore, MemoryOrganizationData } from './features/organizations/memory-organization.stores';
export { RedisOrganizationStore, RedisOrganizationInvitationStore } from './features/organizations/redis-organization.stores';
// Session claims a feature keeps current (the organizations' `org`, `org_roles`), checked by the one session command.
export { SESSION_CLAIMS, type SessionClaimsSource } from './core/sessions/session-claims';
export { SESSION_VERSIONS, type SessionVersions, type SessionVersionCheck } from './core/ports/session-versions.interface';
// API keys (`apiKeys` option) and the kernel's extension point they plug into.
export { BEARER_AUTHENTICATOR, type BearerAuthenticator } from './core/guards/bearer-authenticator';
export type { ApiKeysOptions } from './features/api-keys/api-keys.options';
export { AllowApiKey, ALLOW_API_KEY_KEY, type ApiKeyRoute } from './features/api-keys/allow-api-key.decorator';
export type { ApiKeyRouteOption } from './features/api-keys/api-key-routes';
export { ApiKeysService, type ApiKeyView, type CreatedApiKey, type NewApiKey } from './features/api-keys/api-keys.service';
export {
  ApiKeyStore, type ApiKeyRecord, type ApiKeyOwner, type CheckApiKeyInput, type CheckApiKeyResult,
} from './features/api-keys/api-key-store.interface';
export { MemoryApiKeyStore } from './features/api-keys/memory-api-key.store';
export { RedisApiKeyStore } from './features/api-keys/redis-api-key.store';
export type { ApiKeyEventPayload } from './features/api-keys/api-keys.events';
// Magic links (`magicLink` option).
export type { MagicLinkOptions } from './features/magic-link/magic-link.options';
export { MagicLinkService } from './features/magic-link/magic-link.service';

// Events (through @nestjs/event-emitter when the app registered EventEmitterModule).
export { AuthEvent, AUTH_EVENT_NAMES } from './auth.events';
export type { AuthEventName } from './core/events/auth-event.names';
export type * from './core/events/auth-event.payloads';
export type { IdentityEvent } from './features/oauth/oauth.events';
export type { PasswordResetEvent, EmailVerifiedEvent, RegistrationDeclinedEvent } from './features/recovery/recovery.events';
export { RegistrantProofRequiredError } from './features/recovery/recovery.errors';
export type { MfaVerifiedEvent, MfaFailedEvent, MfaRecoveryCodeUsedEvent, MfaMethod } from './features/mfa/mfa.events';
export type { OrganizationEventPayload, OrganizationMemberRemovedEvent, OrganizationSwitchedEvent } from './features/organizations/organizations.events';
export type { PasskeyEventPayload, PasskeyUsedEvent, PasskeyFailedEvent } from './features/passkeys/passkeys.events';
export { AuthEvents } from './core/events/auth-events.emitter';

// Errors: every AuthError has a stable `code`; AuthExceptionFilter maps them to HTTP.
export * from './core/errors/auth.errors';
export * from './features/oauth/oauth.errors';
export * from './features/oidc/oidc.errors';
export * from './features/mfa/mfa.errors';
export * from './features/organizations/organizations.errors';
export * from './features/passkeys/passkeys.errors';
export * from './features/api-keys/api-keys.errors';
export { AuthExceptionFilter } from './core/http/auth-exception.filter';
export type { ErrorBody } from './core/errors/auth-http-status';

// Ports (interface + injection token) and the shipped adapters, for apps that bring their own storage.
export { UserStore, type AuthUser, type StoredUser, type NewUser } from './core/ports/user-store.interface';
export { CredentialStore, type SetPasswordHashOptions } from './core/ports/credential-store.interface';
export {
  IdentityStore, type UserIdentity, type NewUserIdentity, type LinkIdentityResult, type UnlinkIdentityResult,
} from './core/ports/identity-store.interface';
export { RedisUserStore } from './adapters/redis/redis-user.store';
export { MemoryUserStore } from './adapters/memory/memory-user.store';
export { normalizeEmail } from './core/users/email';
export { SessionStore, AMR_VALUES, MAX_AMR_VALUES } from './core/ports/session-store.interface';
export type {
  SessionAuthentication, RotatedSession, SessionRecord, CreateSessionInput, RotateSessionInput, RotateResult, SessionStoreSettings, RevokeAllSessionsOptions, ReauthenticateSessionInput,
} from './core/ports/session-store.interface';
export { RedisSessionStore } from './adapters/redis/redis-session.store';
export { ReplicatedWriter } from './adapters/redis/replicated-write';
export { MemorySessionStore } from './adapters/memory/memory-session.store';
export { PasswordHasher, type PasswordHashingOptions } from './core/ports/password-hasher.interface';
export { Argon2PasswordHasher } from './adapters/hashing/argon2-password.hasher';
export { BcryptLegacyPasswordHasher, type BcryptLegacyHasherOptions } from './adapters/hashing/bcrypt-legacy.hasher';
export { LoginThrottler } from './core/ports/login-throttler.interface';
export type {
  ThrottleScope, ThrottleRule, ScopedThrottleRule, LoginAttempt, ThrottleTicket, ThrottleVerdict, LoginOutcome,
} from './core/ports/login-throttler.interface';
export { RedisLoginThrottler } from './adapters/redis/redis-login.throttler';
export { MemoryLoginThrottler } from './adapters/memory/memory-login.throttler';
export { RouteThrottle, type RateLimit, type RateLimitHit, type RateLimitVerdict } from './core/ports/route-throttle.interface';
export type { RouteLimitOptions, RouteCounterOptions } from './core/throttling/throttle.options';
// The built-in features' route limits under `throttle` (declaration merging into RouteLimitOptions).
export {} from './features/oauth/oauth.route-limits';
export {} from './features/recovery/recovery.route-limits';
export {} from './features/organizations/organizations.route-limits';
export { RedisRouteThrottle } from './adapters/redis/redis-route.throttle';
export { MemoryRouteThrottle } from './adapters/memory/memory-route.throttle';
export { clientIpKey } from './core/throttling/client-ip';
export { Mailer, type MailMessage, type MailKind } from './core/ports/mailer.interface';
export type { MailTemplate, MailTemplateContext, RenderedMail } from './core/mail/mail-templates';
export { SmtpMailer } from './adapters/mail/smtp.mailer';
export { LoggingMailer } from './adapters/mail/logging.mailer';
export { OneTimeTokenStore, type IssueOneTimeTokenInput, type ConsumeOneTimeTokenInput } from './core/ports/one-time-token-store.interface';
export type { OneTimeTokenKind } from './core/tokens/one-time-token';
export { RedisOneTimeTokenStore } from './adapters/redis/redis-one-time-token.store';
export { MemoryOneTimeTokenStore } from './adapters/memory/memory-one-time-token.store';
